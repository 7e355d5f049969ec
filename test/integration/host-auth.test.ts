/**
 * The host's front door: the per-start token on HTTP and WebSocket, loopback-only
 * binding, and the static renderer files (types, CSP, no listing, no traversal).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost } from '../../main/host/index.ts';
import { startTestHost, WsTestClient, type TestHost } from './host-test-client.ts';

/** A raw request, so that paths like /../ reach the server unnormalised. */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('host: token, binding and static files', () => {
  let t: TestHost;
  let ui: string;
  let outside: string;

  before(async () => {
    ui = mkdtempSync(join(tmpdir(), 'skysense-ui-'));
    outside = mkdtempSync(join(tmpdir(), 'skysense-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'not for the browser');
    mkdirSync(join(ui, 'assets'));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>SkySense</title><script type="module" src="./assets/app.js"></script>');
    writeFileSync(join(ui, 'assets', 'app.js'), 'console.log("ui");');
    writeFileSync(join(ui, 'assets', 'style.css'), 'body{}');
    symlinkSync(join(outside, 'secret.txt'), join(ui, 'assets', 'link.txt'));
    t = await startTestHost(ui);
  });

  after(async () => {
    await t.stop();
    rmSync(ui, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  test('the token is 32 random bytes in hex and differs per start', async () => {
    assert.match(t.host.token, /^[0-9a-f]{64}$/);
    const other = await startTestHost(ui);
    try {
      assert.notEqual(other.host.token, t.host.token);
      assert.equal(other.host.url, `http://127.0.0.1:${other.host.port}/?token=${other.host.token}`);
    } finally {
      await other.stop();
    }
  });

  test('HTTP without the token, or with a wrong one, is 403', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/data/layers/abc/cog.tif', `/?token=${'0'.repeat(64)}`, '/?token=']) {
      const r = await rawGet(t.host.port, path);
      assert.equal(r.status, 403, path);
    }
    const wrongHeader = await rawGet(t.host.port, '/', { 'X-SkySense-Token': t.host.token.slice(0, 63) + 'x' });
    assert.equal(wrongHeader.status, 403);
  });

  test('index.html with the token: CSP, no-store, token cookie; assets then load by cookie', async () => {
    const r = await rawGet(t.host.port, `/?token=${t.host.token}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.match(csp, /worker-src 'self' blob:/);
    assert.match(csp, /object-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /'unsafe-eval'|\*/);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    const cookie = String(r.headers['set-cookie']);
    assert.match(cookie, new RegExp(`^skysense_token_${t.host.port}=${t.host.token}; Path=/; HttpOnly; SameSite=Strict`));

    const js = await rawGet(t.host.port, '/assets/app.js', { Cookie: `skysense_token_${t.host.port}=${t.host.token}` });
    assert.equal(js.status, 200);
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.body, 'console.log("ui");');
    const css = await rawGet(t.host.port, '/assets/style.css', { 'X-SkySense-Token': t.host.token });
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    const otherPortCookie = await rawGet(t.host.port, '/assets/app.js', { Cookie: `skysense_token_1=${t.host.token}` });
    assert.equal(otherPortCookie.status, 403);
  });

  test('no directory listing, no traversal, no links out of the build', async () => {
    const q = `?token=${t.host.token}`;
    for (const path of ['/assets/', '/assets', '/../' + 'outside', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc%2fpasswd', '/assets/link.txt', '/%00index.html', '/nope.js']) {
      const r = await rawGet(t.host.port, path + q);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(r.body, /not for the browser|root:/);
    }
  });

  test('only GET and HEAD', async () => {
    const r = await fetch(`${t.base}/?token=${t.host.token}`, { method: 'POST', body: 'x' });
    assert.equal(r.status, 405);
    const head = await fetch(`${t.base}/?token=${t.host.token}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test('WebSocket without or with a wrong token is refused; with it, app.info answers', async () => {
    const bare = `ws://127.0.0.1:${t.host.port}/api`;
    await assert.rejects(WsTestClient.connect(bare), /HTTP 403/);
    await assert.rejects(WsTestClient.connect(`${bare}?token=${'f'.repeat(64)}`), /HTTP 403/);
    // The cookie is not enough for the API socket (it needs the token itself).
    await assert.rejects(WsTestClient.connect(bare, { Cookie: `skysense_token_${t.host.port}=${t.host.token}` }), /HTTP 403/);
    // A page from another origin cannot drive the engine even with the token.
    await assert.rejects(WsTestClient.connect(t.wsUrl, { Origin: 'http://evil.example' }), /HTTP 403/);
    await assert.rejects(WsTestClient.connect(`ws://127.0.0.1:${t.host.port}/other?token=${t.host.token}`), /HTTP 404/);

    const c = await WsTestClient.connect(t.wsUrl, { Origin: `http://127.0.0.1:${t.host.port}` });
    try {
      const info = await c.value<{ transport: string; version: string }>('app.info', {});
      assert.equal(info.transport, 'host');
      assert.match(info.version, /^\d+\.\d+\.\d+/);
      const dialog = await c.call('dialog.open', {});
      assert.equal(dialog.ok, false);
      assert.equal(!dialog.ok && dialog.error.code, 'E_UNSUPPORTED');
    } finally {
      c.close();
    }
  });

  test('a non-loopback address is refused without allowRemote', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'skysense-cache-'));
    try {
      for (const host of ['0.0.0.0', '::']) {
        await assert.rejects(startHost({ port: 0, host, staticDir: '/nonexistent', cacheDir }), /--allow-remote/);
      }
      const warnings: string[] = [];
      const remote = await startHost({ port: 0, host: '0.0.0.0', allowRemote: true, staticDir: '/nonexistent', cacheDir, warn: (l) => warnings.push(l) });
      await remote.close();
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /WARNING: listening on 0\.0\.0\.0/);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
