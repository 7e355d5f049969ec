/**
 * Where derived files (display COGs, later feature caches) live. One folder per user,
 * shared by the desktop app, the host and the CLI so a COG built once is reused by all.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SKYSENSE_CACHE_DIR) return env.SKYSENSE_CACHE_DIR;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'skysense-desktop');
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'skysense-desktop', 'Cache');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'skysense-desktop');
}
