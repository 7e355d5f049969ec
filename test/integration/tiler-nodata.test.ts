/**
 * Tiles that are all nodata are skipped (no inference), counted, and their output is
 * nodata. The raster is made from real data: Landsat 7 with nodata = 0 and an L-shaped
 * region burnt to 0 by gdal_rasterize. The expected count comes from GDAL's pixels:
 * a tile is empty when every pixel of its window (inside the raster, every band) is 0.
 * Checked twice: without overviews (each tile read and checked exactly) and with
 * overviews from gdaladdo (empty tiles found by the decimated scan, never read).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster } from '../../main/raster/index.ts';
import { runTiled, type InferFn, type RunTiledResult } from '../../main/tiler/index.ts';
import { dataPath, gdalAddo, gdalChecksums, gdalinfo, gdalTranslate, gdalWindow } from '../helpers/gdal.ts';
import { identity } from './tiler-filters.ts';

let tmp = '';
let src = '';
let W = 0;
let H = 0;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-tiler-nodata-'));
  src = join(tmp, 'l7-nodata.tif');
  gdalTranslate(['-a_nodata', '0', dataPath('samples/L7_ETMs.tif'), src]);
  const info = gdalinfo(src);
  [W, H] = info.size;
  const gt = info.geoTransform as number[];
  const at = (c: number, r: number) => [gt[0] + c * gt[1], gt[3] + r * gt[5]];
  const ring = [[0, 0], [230, 0], [230, 100], [120, 100], [120, 230], [0, 230], [0, 0]].map(([c, r]) => at(c, r));
  const shape = join(tmp, 'hole.geojson');
  // The polygon is in the raster's CRS (EPSG:31985), said so, or GDAL would take it for WGS 84.
  const crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::31985' } };
  writeFileSync(shape, JSON.stringify({ type: 'FeatureCollection', crs, features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }] }));
  execFileSync('gdal_rasterize', ['-q', ...[1, 2, 3, 4, 5, 6].flatMap((b) => ['-b', String(b)]), '-burn', '0', shape, src]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Tiles of the plan whose window holds only nodata in GDAL's reading of the file. */
function expectedEmpty(res: RunTiledResult, file: string): number {
  const bands = gdalWindow(file);
  const { xs, ys, tileWidth, tileHeight } = res.plan;
  let n = 0;
  for (const y0 of ys) {
    for (const x0 of xs) {
      let empty = true;
      for (let y = y0; y < Math.min(H, y0 + tileHeight) && empty; y++) {
        for (let x = x0; x < Math.min(W, x0 + tileWidth) && empty; x++) {
          if (bands.some((b) => b[y * W + x] !== 0)) empty = false;
        }
      }
      if (empty) n++;
    }
  }
  return n;
}

async function run(file: string, out: string, infer: InferFn): Promise<{ res: RunTiledResult; calls: number }> {
  const raster = await openRaster([file]);
  let calls = 0;
  const counting: InferFn = (inputs, ctx) => {
    calls += inputs.length;
    return infer(inputs, ctx);
  };
  try {
    const res = await runTiled({ raster, tile: 64, overlap: 16, batch: 4, infer: counting, outChannels: 6, outDataType: 'Byte', outPath: join(tmp, out) });
    return { res, calls };
  } finally {
    await raster.close();
  }
}

describe('all-nodata tiles are skipped', () => {
  test('without overviews: empty tiles found on read, skipped, output equals the source', async () => {
    const { res, calls } = await run(src, 'out.tif', identity);
    const expected = expectedEmpty(res, src);
    assert.ok(expected >= 4, `the fixture has empty tiles (${expected})`);
    assert.equal(res.skipped, expected);
    assert.equal(res.skippedUnread, 0);
    assert.equal(calls, res.total - expected, 'the model never saw an empty tile');
    assert.equal(res.tiles, res.total - expected);
    assert.equal(gdalinfo(join(tmp, 'out.tif')).bands[0].noDataValue, 0);
    assert.deepEqual(gdalChecksums(join(tmp, 'out.tif')), gdalChecksums(src));
  });

  test('with overviews: the decimated scan skips the same tiles without reading them', async () => {
    const withOv = join(tmp, 'l7-nodata-ov.tif');
    copyFileSync(src, withOv);
    gdalAddo(['-r', 'nearest', withOv, '2', '4']);
    const { res, calls } = await run(withOv, 'out-ov.tif', identity);
    const expected = expectedEmpty(res, withOv);
    assert.equal(res.skipped, expected);
    assert.equal(res.skippedUnread, expected);
    assert.ok(res.timings.scan > 0);
    assert.equal(calls, res.total - expected);
    assert.deepEqual(gdalChecksums(join(tmp, 'out-ov.tif')), gdalChecksums(src));
  });
});
