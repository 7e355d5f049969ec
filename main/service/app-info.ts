/** The `app.info` command: what the renderer needs to know about where it runs. */
import { homedir } from 'node:os';
import pkg from '../../package.json' with { type: 'json' };
import type { ReplyOf } from '../api.ts';

export function appInfo(transport: 'electron' | 'host', dataRoots: string[]): ReplyOf<'app.info'> {
  return { version: pkg.version, transport, platform: process.platform, homeDir: homedir(), dataRoots };
}
