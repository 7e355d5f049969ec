/**
 * Layers over the wire against GDAL as the oracle: metadata vs `gdalinfo -json`,
 * pixel values vs `gdallocationinfo`, and the layer file served with HTTP ranges.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Layer, PixelReply } from '../../main/api.ts';
import { samplesDir, startTestHost, WsTestClient, type TestHost } from './host-test-client.ts';

const L7 = join(samplesDir, 'L7_ETMs.tif');

interface GdalInfo {
  size: [number, number];
  geoTransform: number[];
  bands: { type: string; overviews?: { size: [number, number] }[] }[];
  cornerCoordinates: Record<string, [number, number]>;
  coordinateSystem: { wkt: string };
}

function gdalinfo(file: string): GdalInfo {
  return JSON.parse(execFileSync('gdalinfo', ['-json', file], { encoding: 'utf8' })) as GdalInfo;
}

/** Layer CRS -> EPSG:3857 by GDAL/PROJ, so the test does not reuse the engine's proj4. */
function toWebMercator(epsg: number, x: number, y: number): [number, number] {
  const out = execFileSync('gdaltransform', ['-s_srs', `EPSG:${epsg}`, '-t_srs', 'EPSG:3857'], { input: `${x} ${y}\n`, encoding: 'utf8' });
  const [mx, my] = out.trim().split(/\s+/).map(Number);
  return [mx, my];
}

function locationValues(file: string, x: number, y: number): number[] {
  const out = execFileSync('gdallocationinfo', ['-valonly', '-geoloc', file, String(x), String(y)], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number);
}

function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The only file the layer's cogPath may stand for: the original, or the one COG in the cache. */
function servedFileOf(layer: Layer, cacheDir: string): string {
  if (!layer.cached) return layer.info.path;
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else files.push(join(d, e.name));
    }
  };
  walk(cacheDir);
  assert.equal(files.length, 1, `one cached COG expected, found ${files.join(', ')}`);
  return files[0];
}

describe('host: layers against GDAL', () => {
  let t: TestHost;
  let c: WsTestClient;
  let layer: Layer;
  let gi: GdalInfo;
  let served: string;

  before(async () => {
    t = await startTestHost();
    c = await WsTestClient.connect(t.wsUrl);
    layer = await c.value<Layer>('layer.open', { paths: [L7] });
    gi = gdalinfo(L7);
    served = servedFileOf(layer, t.cacheDir);
  });

  after(async () => {
    c.close();
    await t.stop();
  });

  test('layer.open returns a Layer whose info matches gdalinfo -json', () => {
    assert.match(layer.id, /^[A-Za-z0-9_-]{1,64}$/);
    assert.equal(layer.name, 'L7_ETMs.tif');
    assert.equal(layer.cogPath, `/data/layers/${layer.id}/cog.tif`);
    assert.equal(layer.imageUrl, null);
    const info = layer.info;
    assert.equal(info.path, L7);
    assert.deepEqual([info.width, info.height], gi.size);
    assert.equal(info.bandCount, gi.bands.length);
    assert.equal(info.dataType, gi.bands[0].type);
    info.geoTransform.forEach((v, i) => assert.ok(Math.abs(v - gi.geoTransform[i]) < 1e-9, `geoTransform[${i}]`));
    // gdalinfo -json prints corners rounded to the centimetre.
    for (const k of ['upperLeft', 'lowerLeft', 'upperRight', 'lowerRight', 'center'] as const) {
      assert.ok(Math.abs(info.corners[k][0] - gi.cornerCoordinates[k][0]) < 0.01, k);
      assert.ok(Math.abs(info.corners[k][1] - gi.cornerCoordinates[k][1]) < 0.01, k);
    }
    assert.deepEqual(info.overviews.map((o) => [o.width, o.height]), (gi.bands[0].overviews ?? []).map((o) => o.size));
    const epsg = Number(/ID\["EPSG",(\d+)\]\]$/.exec(gi.coordinateSystem.wkt)?.[1]);
    assert.equal(info.crs?.epsg, epsg);
  });

  test('extent3857 contains every corner as PROJ transforms it', () => {
    const [minX, minY, maxX, maxY] = layer.extent3857!;
    const epsg = layer.info.crs!.epsg!;
    for (const k of ['upperLeft', 'lowerLeft', 'upperRight', 'lowerRight'] as const) {
      const [x, y] = toWebMercator(epsg, ...gi.cornerCoordinates[k]);
      assert.ok(x >= minX - 0.01 && x <= maxX + 0.01 && y >= minY - 0.01 && y <= maxY + 0.01, `${k} ${x},${y} outside`);
    }
    // Tight: the box is no bigger than the corners' box plus edge curvature (< 1 m here).
    const pts = (['upperLeft', 'lowerLeft', 'upperRight', 'lowerRight'] as const).map((k) => toWebMercator(epsg, ...gi.cornerCoordinates[k]));
    assert.ok(Math.abs(minX - Math.min(...pts.map((p) => p[0]))) < 1);
    assert.ok(Math.abs(maxY - Math.max(...pts.map((p) => p[1]))) < 1);
  });

  test('layer.list shows it; layer.pixel equals gdallocationinfo', async () => {
    const list = await c.value<{ layers: Layer[] }>('layer.list', {});
    assert.deepEqual(list.layers.map((l) => l.id), [layer.id]);
    const gt = layer.info.geoTransform;
    const epsg = layer.info.crs!.epsg!;
    for (const [col, row] of [[0, 0], [10, 20], [200, 300], [348, 351]]) {
      const x = gt[0] + (col + 0.5) * gt[1];
      const y = gt[3] + (row + 0.5) * gt[5];
      const map = toWebMercator(epsg, x, y);
      const p = await c.value<PixelReply>('layer.pixel', { id: layer.id, coordinate: map });
      assert.equal(p.inside, true);
      assert.deepEqual([p.col, p.row], [col, row]);
      assert.deepEqual(p.values, locationValues(L7, x, y), `pixel ${col},${row}`);
      assert.equal(p.bandNames.length, 6);
      assert.ok(Math.abs(p.layerCoordinate[0] - x) < 0.01 && Math.abs(p.layerCoordinate[1] - y) < 0.01);
      assert.match(p.layerCrsName, /UTM zone 25S/);
    }
    const outside = toWebMercator(epsg, gt[0] - 100, gt[3] + 100);
    const p = await c.value<PixelReply>('layer.pixel', { id: layer.id, coordinate: outside });
    assert.equal(p.inside, false);
    assert.deepEqual(p.values, [null, null, null, null, null, null]);
  });

  test('layer.stats answers per band, and rejects a band that does not exist', async () => {
    const s = await c.value<{ bands: { band: number; min: number; max: number }[] }>('layer.stats', { id: layer.id, bands: [1, 6] });
    assert.deepEqual(s.bands.map((b) => b.band), [1, 6]);
    for (const b of s.bands) assert.ok(b.min <= b.max);
    const bad = await c.call('layer.stats', { id: layer.id, bands: [7] });
    assert.equal(!bad.ok && bad.error.code, 'E_BAD_REQUEST');
    const gone = await c.call('layer.pixel', { id: 'nosuchlayer', coordinate: [0, 0] });
    assert.equal(!gone.ok && gone.error.code, 'E_NOT_FOUND');
  });

  test('GET and HEAD of the cog path serve exactly the file', async () => {
    const bytes = readFileSync(served);
    const q = `?token=${t.host.token}`;
    const head = await rawGet(t.host.port, `${layer.cogPath}${q}`, {});
    assert.equal(head.status, 200);
    const full = await fetch(`${t.base}${layer.cogPath}`, { headers: { 'X-SkySense-Token': t.host.token } });
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('accept-ranges'), 'bytes');
    assert.equal(full.headers.get('content-type'), 'image/tiff');
    assert.equal(full.headers.get('content-length'), String(statSync(served).size));
    const body = Buffer.from(await full.arrayBuffer());
    assert.ok(body.equals(bytes));
    assert.ok(['II*\0', 'MM\0*'].includes(body.subarray(0, 4).toString('latin1')));
    const h = await fetch(`${t.base}${layer.cogPath}${q}`, { method: 'HEAD' });
    assert.equal(h.status, 200);
    assert.equal(h.headers.get('content-length'), String(bytes.length));
  });

  test('range GETs: 206 with exactly the slice, 416 for bad ranges', async () => {
    const bytes = readFileSync(served);
    const size = bytes.length;
    const path = `${layer.cogPath}?token=${t.host.token}`;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-5095', 1000, 5095],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=100-${size * 2}`, 100, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await rawGet(t.host.port, path, { Range: range });
      assert.equal(r.status, 206, range);
      assert.equal(r.headers['content-range'], `bytes ${start}-${end}/${size}`, range);
      assert.equal(r.headers['content-length'], String(end - start + 1), range);
      assert.ok(r.body.equals(bytes.subarray(start, end + 1)), range);
    }
    for (const range of [`bytes=${size}-`, `bytes=${size + 5}-${size + 10}`, 'bytes=50-10', 'bytes=abc', 'bytes=-0', 'bytes=']) {
      const r = await rawGet(t.host.port, path, { Range: range });
      assert.equal(r.status, 416, range);
      assert.equal(r.headers['content-range'], `bytes */${size}`, range);
      assert.equal(r.body.length, 0);
    }
    // Several ranges: the whole file (a server may ignore Range); another unit: ignored.
    for (const range of ['bytes=0-1,5-9', 'items=0-5']) {
      const r = await rawGet(t.host.port, path, { Range: range });
      assert.equal(r.status, 200, range);
      assert.equal(r.body.length, size);
    }
    // If-Range: a matching ETag keeps the range, a stale one gets the whole file.
    const etag = String((await rawGet(t.host.port, path, { Range: 'bytes=0-0' })).headers.etag);
    assert.equal((await rawGet(t.host.port, path, { Range: 'bytes=0-9', 'If-Range': etag })).status, 206);
    assert.equal((await rawGet(t.host.port, path, { Range: 'bytes=0-9', 'If-Range': '"stale"' })).status, 200);
    // HEAD with a range: the headers of the slice, no body.
    const h = await fetch(`${t.base}${path}`, { method: 'HEAD', headers: { Range: 'bytes=10-19' } });
    assert.equal(h.status, 206);
    assert.equal(h.headers.get('content-length'), '10');
  });

  test('only files of open layers are served', async () => {
    const q = `?token=${t.host.token}`;
    for (const path of [
      `/data/layers/${layer.id}/image`,
      `/data/layers/${layer.id}/cog.tif/../../../../etc/passwd`,
      `/data/layers/${layer.id}/..%2f..%2f..%2fetc%2fpasswd`,
      `/data/layers/${layer.id}/%2e%2e/cog.tif`,
      '/data/layers/AAAAAAAA/cog.tif',
      `/data/${encodeURIComponent(L7)}`,
      `/data/layers/${layer.id}/L7_ETMs.tif`,
    ]) {
      const r = await rawGet(t.host.port, path + q);
      assert.equal(r.status, 404, path);
    }
    const noToken = await rawGet(t.host.port, layer.cogPath!, { Range: 'bytes=0-9' });
    assert.equal(noToken.status, 403);
  });

  test('a closed layer is no longer served', async () => {
    const second = await c.value<Layer>('layer.open', { paths: [L7] });
    assert.notEqual(second.id, layer.id);
    const path = `${second.cogPath}?token=${t.host.token}`;
    assert.equal((await rawGet(t.host.port, path, { Range: 'bytes=0-9' })).status, 206);
    assert.deepEqual(await c.value('layer.close', { id: second.id }), { closed: true });
    assert.deepEqual(await c.value('layer.close', { id: second.id }), { closed: false });
    assert.equal((await rawGet(t.host.port, path)).status, 404);
  });
});
