/**
 * prepareDisplay: a stripped scene without overviews gets a tiled GeoTIFF with overviews
 * built into the cache (gdalinfo shows them, checksums equal the source), a second call
 * reuses it, cancelling leaves no file; tiled files with overviews, small files and
 * band folders take the expected path.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster, prepareDisplay, type Raster } from '../../main/raster/index.ts';
import { dataPath, gdalBuildVrtSeparate, gdalChecksums, gdalinfo, gdalOverviews, gdalTranslate } from '../helpers/gdal.ts';

let tmp = '';
let stripped = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-display-'));
  stripped = join(tmp, 'stripped.tif');
  gdalTranslate(['-outsize', '3000', '3000', '-co', 'TILED=NO', '-co', 'COMPRESS=DEFLATE', dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif'), stripped]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

async function withRaster<T>(paths: string[], fn: (r: Raster) => Promise<T>): Promise<T> {
  const r = await openRaster(paths);
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

describe('prepareDisplay', () => {
  test('a stripped 3000 px scene: cache with overviews, then reused', async () => {
    const cacheDir = join(tmp, 'cache');
    const progress: [string, number, number][] = [];
    const first = await withRaster([stripped], (r) => prepareDisplay(r, cacheDir, { progress: (s, d, t) => progress.push([s, d, t]) }));
    assert.equal(first.cached, true);
    assert.ok(first.path.startsWith(cacheDir), first.path);
    assert.ok(progress.length > 2 && progress.every(([, , t]) => t === 3000));
    assert.deepEqual(progress.at(-1)!.slice(1), [3000, 3000]);
    const g = gdalinfo(first.path);
    assert.deepEqual(g.size, [3000, 3000]);
    assert.deepEqual(g.bands[0].block, [256, 256]);
    assert.deepEqual(gdalOverviews(g), [[1500, 1500], [750, 750], [375, 375], [188, 188]]);
    assert.equal(g.bands[0].noDataValue, 'NaN');
    assert.deepEqual(g.bands.map((b: { description: string }) => b.description), ['VV', 'VH']);
    assert.deepEqual(gdalChecksums(first.path), gdalChecksums(stripped));

    const mtime = statSync(first.path).mtimeMs;
    const started = Date.now();
    const again = await withRaster([stripped], (r) => prepareDisplay(r, cacheDir));
    assert.deepEqual(again, first);
    assert.equal(statSync(first.path).mtimeMs, mtime, 'not rebuilt');
    assert.ok(Date.now() - started < 2000);
    assert.equal(readdirSync(cacheDir).length, 1);
  });

  test('cancel removes the partial file', async () => {
    const cacheDir = join(tmp, 'cancelled');
    const ac = new AbortController();
    await withRaster([stripped], async (r) => {
      await assert.rejects(
        prepareDisplay(r, cacheDir, { signal: ac.signal, progress: (_s, done) => done >= 512 && ac.abort() }),
        { code: 'E_CANCELLED' },
      );
    });
    assert.deepEqual(readdirSync(cacheDir), []);
  });

  test('a COG and a small stripped file are displayed as they are', async () => {
    const cog = join(tmp, 'scene-cog.tif');
    gdalTranslate(['-of', 'COG', stripped, cog]);
    const cacheDir = join(tmp, 'unused');
    assert.deepEqual(await withRaster([cog], (r) => prepareDisplay(r, cacheDir)), { path: cog, cached: false });
    const small = dataPath('samples/L7_ETMs.tif');
    assert.deepEqual(await withRaster([small], (r) => prepareDisplay(r, cacheDir)), { path: small, cached: false });
  });

  test('a band folder always goes through the cache', async () => {
    const cacheDir = join(tmp, 'bands');
    const dir = dataPath('oscd/bercy/imgs_1');
    const res = await withRaster([dir], async (r) => {
      const vrt = join(tmp, 'bercy.vrt');
      gdalBuildVrtSeparate(vrt, r.info.files);
      const out = await prepareDisplay(r, cacheDir);
      assert.deepEqual(gdalChecksums(out.path), gdalChecksums(vrt));
      return out;
    });
    assert.equal(res.cached, true);
    assert.ok(res.path.startsWith(cacheDir));
  });

  test('PNG is refused (shown whole instead)', async () => {
    await withRaster([dataPath('hr/loveda/img_dir/0.png')], async (r) => {
      await assert.rejects(prepareDisplay(r, join(tmp, 'png')), { code: 'E_UNSUPPORTED' });
    });
  });
});
