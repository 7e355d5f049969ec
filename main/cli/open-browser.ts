/**
 * Opens the host URL in the user's browser without putting the token on any command
 * line (other local users can read those in the process list for as long as the
 * browser runs): the browser is given a private redirect file instead, as Jupyter does.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

function opener(): [string, string[]] {
  if (process.platform === 'darwin') return ['open', []];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""']];
  return ['xdg-open', []];
}

/** Returns a function that deletes the redirect file. Failures only print a hint. */
export function openInBrowser(url: string): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'skysense-open-'));
  const file = join(dir, 'open.html');
  const safe = url.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  writeFileSync(file, `<!doctype html><meta http-equiv="refresh" content="0;url=${safe}"><a href="${safe}">SkySense</a>\n`, { mode: 0o600 });
  const [cmd, pre] = opener();
  try {
    const child = spawn(cmd, [...pre, pathToFileURL(file).href], { detached: true, stdio: 'ignore' });
    child.on('error', () => process.stderr.write('could not open a browser; open the URL above yourself\n'));
    child.unref();
  } catch {
    process.stderr.write('could not open a browser; open the URL above yourself\n');
  }
  return () => rmSync(dir, { recursive: true, force: true });
}
