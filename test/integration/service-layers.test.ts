/**
 * The engine's layer commands without a transport, on real files of other kinds:
 * a PNG in pixel space, a geographic DEM with nodata, a CRS without an EPSG code.
 * GDAL (gdaltransform, gdallocationinfo) is the oracle.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallContext, Layer } from '../../main/api.ts';
import { createHandlers, type Service } from '../../main/service/index.ts';
import { defaultCacheDir } from '../../main/service/index.ts';
import { repoRoot, samplesDir } from './host-test-client.ts';

const ctx: CallContext = { signal: new AbortController().signal, progress: () => undefined };
const PNG = join(repoRoot, '..', 'shared', 'data', 'hr', 'levir_cd', 'label', 'test_102_0512_0000.png');
const RGB_PNG_DIR = join(repoRoot, '..', 'shared', 'data', 'hr', 'levir_cd', 'A');

/** Pixel (col, row) centre of a georeferenced file -> EPSG:3857, by GDAL from the file's own CRS. */
function pixelToWebMercator(file: string, col: number, row: number): [number, number] {
  const out = execFileSync('gdaltransform', [file, '-t_srs', 'EPSG:3857'], { input: `${col + 0.5} ${row + 0.5}\n`, encoding: 'utf8' });
  const [x, y] = out.trim().split(/\s+/).map(Number);
  return [x, y];
}

function valuesAt(file: string, col: number, row: number): number[] {
  return execFileSync('gdallocationinfo', ['-valonly', file, String(col), String(row)], { encoding: 'utf8' }).trim().split('\n').map(Number);
}

describe('service: layers of other kinds', () => {
  let cacheDir: string;
  let h: Service;

  before(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'skysense-svc-cache-'));
    h = createHandlers({ cacheDir, transport: 'host' });
  });

  after(async () => {
    await h.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test('a PNG is an image layer in pixel space (y up, row = -y)', async () => {
    const files = execFileSync('ls', [RGB_PNG_DIR], { encoding: 'utf8' }).trim().split('\n');
    for (const file of [PNG, join(RGB_PNG_DIR, files[0])]) {
      const layer: Layer = await h['layer.open']({ paths: [file] }, ctx);
      assert.equal(layer.cogPath, null);
      assert.equal(layer.imageUrl, `/data/layers/${layer.id}/image`);
      assert.equal(layer.cached, false);
      assert.deepEqual(layer.extent3857, [0, -layer.info.height, layer.info.width, 0]);
      assert.deepEqual(h.layers.resolve(layer.imageUrl!), { file, contentType: 'image/png' });
      assert.equal(h.layers.resolve(`/data/layers/${layer.id}/cog.tif`), null);
      for (const [col, row] of [[0, 0], [100, 37], [255, 255]]) {
        const p = await h['layer.pixel']({ id: layer.id, coordinate: [col + 0.5, -(row + 0.5)] }, ctx);
        assert.equal(p.inside, true);
        assert.deepEqual([p.col, p.row], [col, row]);
        assert.deepEqual(p.values, valuesAt(file, col, row), `${file} ${col},${row}`);
        assert.equal(p.layerCrsName, 'pixel');
      }
      const out = await h['layer.pixel']({ id: layer.id, coordinate: [10, 5] }, ctx);
      assert.equal(out.inside, false);
    }
  });

  test('a geographic DEM: extent3857 equals its corners in Web Mercator; nodata is null', async () => {
    const file = join(samplesDir, 'elev.tif');
    const layer = await h['layer.open']({ paths: [file] }, ctx);
    const ul = execFileSync('gdaltransform', [file, '-t_srs', 'EPSG:3857'], { input: `0 0\n${layer.info.width} ${layer.info.height}\n`, encoding: 'utf8' })
      .trim().split('\n').map((l) => l.split(/\s+/).map(Number));
    const [minX, minY, maxX, maxY] = layer.extent3857!;
    assert.ok(Math.abs(minX - ul[0][0]) < 0.01 && Math.abs(maxY - ul[0][1]) < 0.01, 'upper left');
    assert.ok(Math.abs(maxX - ul[1][0]) < 0.01 && Math.abs(minY - ul[1][1]) < 0.01, 'lower right');
    const nodata = await h['layer.pixel']({ id: layer.id, coordinate: pixelToWebMercator(file, 0, 0) }, ctx);
    assert.equal(nodata.inside, true);
    assert.deepEqual(valuesAt(file, 0, 0), [-32768]);
    assert.deepEqual(nodata.values, [null]);
    const valid = await h['layer.pixel']({ id: layer.id, coordinate: pixelToWebMercator(file, 62, 50) }, ctx);
    assert.deepEqual([valid.col, valid.row], [62, 50]);
    assert.deepEqual(valid.values, valuesAt(file, 62, 50));
  });

  test('a CRS without an EPSG code still maps pixels like GDAL', async () => {
    const file = join(samplesDir, 'meuse.tif');
    const layer = await h['layer.open']({ paths: [file] }, ctx);
    for (const [col, row] of [[51, 71], [40, 60], [0, 0]]) {
      const p = await h['layer.pixel']({ id: layer.id, coordinate: pixelToWebMercator(file, col, row) }, ctx);
      assert.deepEqual([p.col, p.row], [col, row]);
      const expected = valuesAt(file, col, row).map((v) => (v === -32768 ? null : v));
      assert.deepEqual(p.values, expected);
    }
  });

  test('layer.list holds what was opened; close removes it', async () => {
    const { layers } = await h['layer.list']({}, ctx);
    assert.equal(layers.length, 4);
    const closed = await h['layer.close']({ id: layers[0].id }, ctx);
    assert.deepEqual(closed, { closed: true });
    assert.equal((await h['layer.list']({}, ctx)).layers.length, 3);
    assert.equal(h.layers.resolve(layers[0].imageUrl ?? layers[0].cogPath ?? ''), null);
  });

  test('the cache folder follows SKYSENSE_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    assert.equal(defaultCacheDir({ SKYSENSE_CACHE_DIR: '/x/y' }, 'linux'), '/x/y');
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux'), '/c/skysense-desktop');
    assert.match(defaultCacheDir({}, 'linux'), /\/\.cache\/skysense-desktop$/);
    assert.match(defaultCacheDir({}, 'darwin'), /Library\/Caches\/skysense-desktop$/);
  });
});
