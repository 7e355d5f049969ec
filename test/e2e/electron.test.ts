/**
 * The desktop app end to end in real Electron (playwright-core's _electron): the
 * window's security settings, the preload's bridge, the contract over IPC and the
 * skysense-data: scheme with ranges. Where the Electron binary is not installed (it
 * cannot be downloaded here) the test is skipped, visibly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const electronDir = join(root, 'node_modules', 'electron');
const mainBundle = join(root, 'dist', 'electron', 'main.cjs');
const L7 = join(root, '..', 'shared', 'data', 'samples', 'L7_ETMs.tif');

function electronBinary(): string | null {
  try {
    const bin = join(electronDir, 'dist', readFileSync(join(electronDir, 'path.txt'), 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

test('Electron window: sandboxed page, IPC contract, skysense-data ranges', async (t) => {
  const bin = electronBinary();
  if (!bin) {
    t.skip('Electron binary not installed (node_modules/electron/dist missing): skipped');
    return;
  }
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
    t.skip('dist/renderer missing: run `npm run build:renderer` first');
    return;
  }
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build-electron.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);

  const { _electron } = await import('playwright-core');
  const app = await _electron.launch({ executablePath: bin, args: [mainBundle], cwd: root, env: { ...process.env, SKYSENSE_DEV: '0' } });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    assert.match(page.url(), /^app:\/\/renderer\//);

    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const wc = BrowserWindow.getAllWindows()[0].webContents;
      return (wc as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
    });
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.webSecurity, true);

    const bridge = await page.evaluate(() => {
      const w = window as unknown as { skysenseIpc?: Record<string, unknown>; require?: unknown; process?: unknown };
      return {
        keys: w.skysenseIpc ? Object.keys(w.skysenseIpc).sort() : null,
        dataBaseUrl: w.skysenseIpc?.dataBaseUrl,
        node: typeof w.require !== 'undefined' || typeof w.process !== 'undefined',
      };
    });
    assert.deepEqual(bridge.keys, ['dataBaseUrl', 'onMessage', 'post']);
    assert.equal(bridge.dataBaseUrl, 'skysense-data://local');
    assert.equal(bridge.node, false);

    // The contract over IPC, straight through the bridge the renderer uses.
    const result = await page.evaluate(async (file) => {
      type Msg = { type: string; callId?: string; ok?: boolean; value?: any; error?: any };
      const ipc = (window as any).skysenseIpc as { post(m: unknown): void; onMessage(cb: (m: Msg) => void): () => void };
      const call = (callId: string, command: string, args: unknown) =>
        new Promise<Msg>((resolve) => {
          const off = ipc.onMessage((m) => {
            if (m.type === 'reply' && m.callId === callId) {
              off();
              resolve(m);
            }
          });
          ipc.post({ type: 'call', callId, command, args });
        });
      const info = await call('e1', 'app.info', {});
      const bad = await call('e2', 'layer.open', { paths: [] });
      const layer = await call('e3', 'layer.open', { paths: [file] });
      const url = `skysense-data://local${layer.value.cogPath}`;
      const r = await fetch(url, { headers: { Range: 'bytes=0-99' } });
      const bytes = Array.from(new Uint8Array(await r.arrayBuffer()));
      const foreign = await fetch('skysense-data://local/data/layers/AAAAAAAA/cog.tif');
      return {
        transport: info.value?.transport,
        badCode: bad.error?.code,
        cached: layer.value.cached,
        status: r.status,
        contentRange: r.headers.get('content-range'),
        bytes,
        foreign: foreign.status,
      };
    }, L7);
    assert.equal(result.transport, 'electron');
    assert.equal(result.badCode, 'E_BAD_REQUEST');
    assert.equal(result.status, 206);
    assert.match(String(result.contentRange), /^bytes 0-99\/\d+$/);
    assert.equal(result.bytes.length, 100);
    if (!result.cached) assert.deepEqual(result.bytes, Array.from(readFileSync(L7).subarray(0, 100)));
    assert.equal(result.foreign, 404);

    // Navigation away and new windows are blocked (http: links are not even handed
    // to the system browser, which gets https: only).
    await page.evaluate(() => {
      window.open('app://renderer/index.html');
      window.open('http://127.0.0.1:9/');
      location.href = 'http://127.0.0.1:9/';
    });
    await new Promise((r) => setTimeout(r, 500));
    assert.match(page.url(), /^app:\/\/renderer\//);
    assert.equal(app.windows().length, 1);
  } finally {
    await app.close();
  }
});
