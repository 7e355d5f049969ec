/**
 * Cancelling a long layer.open (a stripped 6000x6000 raster that needs a display COG)
 * stops it, answers E_CANCELLED and leaves no file in the cache.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHost, WsTestClient, samplesDir, type TestHost } from './host-test-client.ts';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...filesUnder(join(dir, e.name)));
    else out.push(join(dir, e.name));
  }
  return out;
}

describe('host: cancel', () => {
  let t: TestHost;
  let c: WsTestClient;
  let dir: string;
  let big: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skysense-big-'));
    big = join(dir, 'big-stripped.tif');
    // Stripped, no overviews: opening it must build a display COG (long work).
    execFileSync('gdal_create', ['-q', '-of', 'GTiff', '-outsize', '6000', '6000', '-bands', '1', '-ot', 'Byte', '-burn', '7', '-a_srs', 'EPSG:32633', '-a_ullr', '400000', '5000000', '460000', '4940000', big]);
    t = await startTestHost();
    c = await WsTestClient.connect(t.wsUrl);
  });

  after(async () => {
    c.close();
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('cancel aborts layer.open and leaves no cache file', async () => {
    const started = Date.now();
    const { callId, reply } = c.start('layer.open', { paths: [big] });
    // Cancel once the COG build has written part of its output (or after 3 s);
    // the whole open takes ~15 s here, so an ignored cancel shows as a success reply.
    const midway = () => c.progress.some((p) => p.callId === callId && p.done > 0);
    while (!midway() && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 5));
    const sawProgress = midway();
    const cancelledAt = Date.now();
    c.cancel(callId);
    const r = await reply;
    const latency = Date.now() - cancelledAt;
    assert.equal(r.ok, false, 'the open finished before the cancel reached it');
    assert.equal(!r.ok && r.error.code, 'E_CANCELLED');
    console.log(`cancel sent ${cancelledAt - started} ms into the open (output written: ${sawProgress}); reply ${latency} ms later`);
    assert.deepEqual(filesUnder(t.cacheDir), []);
    const list = await c.value<{ layers: unknown[] }>('layer.list', {});
    assert.deepEqual(list.layers, []);
  });

  test('the host still opens layers afterwards', async () => {
    const layer = await c.value<{ id: string }>('layer.open', { paths: [join(samplesDir, 'elev.tif')] });
    assert.match(layer.id, /^[A-Za-z0-9_-]+$/);
  });
});
