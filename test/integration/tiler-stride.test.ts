/**
 * A model with an output stride: a 4 x 4 mean pool "model" (one value per 4 x 4 input
 * pixels). The output grid must be the input's scaled by 4 (same origin and CRS, pixel
 * size x 4, ceil(size / 4) pixels), and on a scene whose size divides by 4 the values
 * must equal GDAL's own 4x average decimation (gdal_translate -outsize -r average).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster } from '../../main/raster/index.ts';
import { runTiled } from '../../main/tiler/index.ts';
import { dataPath, gdalEpsg, gdalinfo, gdalTranslate, gdalWindow } from '../helpers/gdal.ts';
import { meanPool } from './tiler-filters.ts';

const K = 4;
let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-tiler-stride-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

async function pool(src: string, out: string, tile: number, overlap: number) {
  const raster = await openRaster([src]);
  try {
    return await runTiled({ raster, tile, overlap, stride: K, batch: 2, infer: meanPool(K), outChannels: raster.info.bandCount, outDataType: 'Float32', outPath: out });
  } finally {
    await raster.close();
  }
}

describe('stride-4 model output grid', () => {
  test('Landsat 349 x 352: output 88 x 88, geotransform scaled by 4, same CRS', async () => {
    const src = dataPath('samples/L7_ETMs.tif');
    const out = join(tmp, 'l7-pool.tif');
    const res = await pool(src, out, 64, 16);
    const s = gdalinfo(src);
    const o = gdalinfo(out);
    assert.deepEqual(o.size, [Math.ceil(349 / K), Math.ceil(352 / K)]);
    assert.deepEqual([res.width, res.height], o.size);
    assert.equal(gdalEpsg(o), gdalEpsg(s));
    const expected = [s.geoTransform[0], s.geoTransform[1] * K, s.geoTransform[2] * K, s.geoTransform[3], s.geoTransform[4] * K, s.geoTransform[5] * K];
    o.geoTransform.forEach((v: number, k: number) => assert.ok(Math.abs(v - expected[k]) <= 1e-9 * Math.max(1, Math.abs(v)), `geoTransform[${k}] ${v} vs ${expected[k]}`));
    assert.deepEqual(o.cornerCoordinates.upperLeft, s.cornerCoordinates.upperLeft);
  });

  test('values equal GDAL average decimation on a 348 x 352 crop', async () => {
    const crop = join(tmp, 'crop.tif');
    gdalTranslate(['-srcwin', '0', '0', '348', '352', dataPath('samples/L7_ETMs.tif'), crop]);
    const out = join(tmp, 'crop-pool.tif');
    await pool(crop, out, 96, 32);
    // Converted to Float32 first: GDAL averages in the source type and would round to Byte.
    const crop32 = join(tmp, 'crop32.tif');
    gdalTranslate(['-ot', 'Float32', crop, crop32]);
    const gdalAvg = join(tmp, 'crop-avg.tif');
    gdalTranslate(['-r', 'average', '-outsize', String(348 / K), String(352 / K), crop32, gdalAvg]);
    const ours = gdalWindow(out);
    const theirs = gdalWindow(gdalAvg);
    assert.equal(ours.length, 6);
    let max = 0;
    ours.forEach((band, b) => band.forEach((v, i) => (max = Math.max(max, Math.abs(v - theirs[b][i])))));
    assert.ok(max <= 1e-4, `max difference from GDAL ${max}`);
    const o = gdalinfo(out);
    const a = gdalinfo(gdalAvg);
    o.geoTransform.forEach((v: number, k: number) => assert.ok(Math.abs(v - a.geoTransform[k]) <= 1e-9 * Math.max(1, Math.abs(v)), `geoTransform[${k}]`));
  });

  test('a tile or overlap that is not a multiple of the stride is refused before any work', async () => {
    const raster = await openRaster([dataPath('samples/L7_ETMs.tif')]);
    try {
      await assert.rejects(
        runTiled({ raster, tile: 64, overlap: 10, stride: K, infer: meanPool(K), outChannels: 6, outPath: join(tmp, 'bad.tif') }),
        (e: Error & { code?: string }) => e.code === 'E_BAD_REQUEST' && /multiple of the model's stride 4/.test(e.message),
      );
    } finally {
      await raster.close();
    }
  });
});
