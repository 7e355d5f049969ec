/**
 * What goes wrong comes back as a specific ApiError over the wire: bad files with the
 * code and the file named, malformed or invalid messages as E_BAD_REQUEST.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHost, WsTestClient, type TestHost } from './host-test-client.ts';

describe('host: errors over the wire', () => {
  let t: TestHost;
  let c: WsTestClient;
  let dir: string;

  before(async () => {
    t = await startTestHost();
    c = await WsTestClient.connect(t.wsUrl);
    dir = mkdtempSync(join(tmpdir(), 'skysense-bad-'));
  });

  after(async () => {
    c.close();
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a zero-size file is E_EMPTY naming the file', async () => {
    const file = join(dir, 'empty.tif');
    writeFileSync(file, '');
    for (const command of ['layer.open', 'raster.info']) {
      const r = await c.call(command, { paths: [file] });
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.code, 'E_EMPTY', command);
      assert.ok(r.error.message.includes('empty.tif'), r.error.message);
    }
  });

  test('a text file renamed .tif is E_NOT_RASTER naming the file', async () => {
    const file = join(dir, 'notes.tif');
    writeFileSync(file, 'These are field notes, not a GeoTIFF.\n'.repeat(20));
    const r = await c.call('layer.open', { paths: [file] });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'E_NOT_RASTER');
    assert.ok(r.error.message.includes('notes.tif'), r.error.message);
  });

  test('a missing file is E_NOT_FOUND', async () => {
    const r = await c.call('layer.open', { paths: [join(dir, 'nope.tif')] });
    assert.equal(!r.ok && r.error.code, 'E_NOT_FOUND');
  });

  test('nothing bad leaves a layer behind', async () => {
    const list = await c.value<{ layers: unknown[] }>('layer.list', {});
    assert.deepEqual(list.layers, []);
  });

  test('malformed and invalid messages are E_BAD_REQUEST', async () => {
    const before = c.replies.length;
    c.sendRaw('this is not JSON');
    c.sendRaw(JSON.stringify({ type: 'shout', callId: 'x1' }));
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    while (c.replies.length < before + 3) await new Promise((r) => setTimeout(r, 10));
    const three = c.replies.slice(before);
    for (const r of three) assert.equal(!r.ok && r.error.code, 'E_BAD_REQUEST');
    assert.deepEqual(three.map((r) => r.callId), ['?', 'x1', '?']);

    const cases: [string, unknown][] = [
      ['no.such.command', {}],
      ['layer.open', { paths: [] }],
      ['layer.open', { paths: ['a.tif'], extra: 1 }],
      ['layer.open', {}],
      ['layer.pixel', { id: '../etc', coordinate: [0, 0] }],
      ['layer.pixel', { id: 'abc', coordinate: [0] }],
      ['app.info', { x: 1 }],
    ];
    for (const [command, args] of cases) {
      const r = await c.call(command, args);
      assert.equal(!r.ok && r.error.code, 'E_BAD_REQUEST', `${command} ${JSON.stringify(args)}`);
    }
  });

  test('the connection survives all of it', async () => {
    const info = await c.value<{ transport: string }>('app.info', {});
    assert.equal(info.transport, 'host');
  });
});
