/**
 * `skysense serve` as a user runs it: a real process, the one stdout line, refusal of
 * non-loopback addresses without --allow-remote, clean stop on SIGINT/SIGTERM.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './host-test-client.ts';

const RUNNER = "import { runServe } from './main/cli/serve.ts'; process.exitCode = await runServe(process.argv.slice(1));";
const LINE = /^SkySense host: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/;

interface Serve {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function serve(args: string[], env: Record<string, string>): Serve {
  // Without NODE_TEST_CONTEXT: node's test runner sets it, and it changes how the
  // child treats SIGINT (the user's shell never sets it).
  const { NODE_TEST_CONTEXT: _, ...parentEnv } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', RUNNER, '--', ...args], {
    cwd: repoRoot,
    env: { ...parentEnv, ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (err += c));
  // 'close', not 'exit': it comes after the child's stdout/stderr are drained.
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function untilLine(s: Serve, timeoutMs = 20000): Promise<string> {
  const t0 = Date.now();
  while (!s.stdout().includes('\n')) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`no line; stderr: ${s.stderr()}`);
    if (s.child.exitCode !== null) throw new Error(`exited ${s.child.exitCode}; stderr: ${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return s.stdout().split('\n')[0];
}

describe('skysense serve', () => {
  let ui: string;
  let cache: string;
  let env: Record<string, string>;

  before(() => {
    ui = mkdtempSync(join(tmpdir(), 'skysense-serve-ui-'));
    cache = mkdtempSync(join(tmpdir(), 'skysense-serve-cache-'));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>SkySense</title>');
    env = { SKYSENSE_RENDERER_DIR: ui, SKYSENSE_CACHE_DIR: cache };
  });

  after(() => {
    rmSync(ui, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  test('prints the one line, serves the UI with the token, stops on SIGTERM', async () => {
    const s = serve(['--port', '0', '--no-open'], env);
    const line = await untilLine(s);
    const m = LINE.exec(line);
    assert.ok(m, line);
    const page = await fetch(line.slice('SkySense host: '.length));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>SkySense<\/title>/);
    assert.equal((await fetch(`http://127.0.0.1:${m[1]}/`)).status, 403);
    s.child.kill('SIGTERM');
    assert.equal(await s.exited, 0);
    assert.equal(s.stdout(), `${line}\n`);
    await assert.rejects(fetch(`http://127.0.0.1:${m[1]}/`));
  });

  test('SIGINT stops it too', async () => {
    const s = serve(['--port=0', '--no-open'], env);
    await untilLine(s);
    s.child.kill('SIGINT');
    assert.equal(await s.exited, 0, `stderr: ${s.stderr()} signal: ${s.child.signalCode}`);
  });

  test('a non-loopback --host needs --allow-remote, then warns', async () => {
    const refused = serve(['--host', '0.0.0.0', '--port', '0', '--no-open'], env);
    assert.equal(await refused.exited, 1);
    assert.match(refused.stderr(), /refusing to listen on 0\.0\.0\.0.*--allow-remote/);
    assert.equal(refused.stdout(), '');

    const allowed = serve(['--host', '0.0.0.0', '--allow-remote', '--port', '0', '--no-open'], env);
    const line = await untilLine(allowed);
    assert.match(line, /^SkySense host: http:\/\/0\.0\.0\.0:\d+\/\?token=[0-9a-f]{64}$/);
    assert.match(allowed.stderr(), /WARNING: listening on 0\.0\.0\.0/);
    allowed.child.kill('SIGTERM');
    assert.equal(await allowed.exited, 0);
  });

  test('without --port it takes 7878, or a free port when 7878 is taken', async () => {
    const blocker = createServer();
    const blocked = await new Promise<boolean>((r) => {
      blocker.once('error', () => r(false)); // already taken by someone else: same situation
      blocker.listen(7878, '127.0.0.1', () => r(true));
    });
    try {
      const s = serve(['--no-open'], env);
      const port = Number(LINE.exec(await untilLine(s))?.[1]);
      assert.ok(port > 0 && port !== 7878, `port ${port}`);
      assert.match(s.stderr(), /port 7878 is taken; using a free port/);
      s.child.kill('SIGTERM');
      assert.equal(await s.exited, 0);
    } finally {
      if (blocked) blocker.close();
    }
  });

  test('bad options and a missing UI build exit non-zero with a reason', async () => {
    const bad = serve(['--port', 'abc'], env);
    assert.equal(await bad.exited, 2);
    assert.match(bad.stderr(), /--port needs a number/);
    const unknown = serve(['--frobnicate'], env);
    assert.equal(await unknown.exited, 2);
    assert.match(unknown.stderr(), /unknown option "--frobnicate"/);
    const noUi = serve(['--port', '0', '--no-open'], { ...env, SKYSENSE_RENDERER_DIR: join(ui, 'missing') });
    assert.equal(await noUi.exited, 1);
    assert.match(noUi.stderr(), /run `npm run build:renderer`/);
  });
});
