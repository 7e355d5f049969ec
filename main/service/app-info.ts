/** The `app.info` command: what the renderer needs to know about where it runs. */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import pkg from '../../package.json' with { type: 'json' };
import type { ReplyOf } from '../api.ts';

/**
 * `outputDir` is where the Run panel writes when the user has chosen no folder: the
 * application's own (in the cache folder), never beside an input, which may be read-only.
 * Made here so that a job can write into it at once.
 */
export function appInfo(transport: 'electron' | 'host', dataRoots: string[], outputDir: string): ReplyOf<'app.info'> {
  mkdirSync(outputDir, { recursive: true });
  return { version: pkg.version, transport, platform: process.platform, homeDir: homedir(), dataRoots, outputDir };
}
