/**
 * The output writer's tile size (tasks/output-writer.ts outputTileSize): 256 px unless one
 * row of 256 px tiles across all bands would pass the 64 MiB budget, then the largest
 * multiple of 16 that fits (16 at least). Files written through openRowSink (the path every
 * task's output takes) from real OSCD Sentinel-2 bands (pisa, 718 x 776, 10 bands spread to
 * 128 by scaling), read back by GDAL:
 *  - 128 bands at 718 px (200 rows): 176 px tiles (gdalinfo Block=), the values and the overview
 *    sizes as written; our reader reads what GDAL reads;
 *  - 16 bands as half floats and as Float32: every value and every overview value of the half
 *    file is numpy's nearest half of the Float32 file's (averaged in Float32, then narrowed);
 *  - 48 bands 10980 px wide (a Sentinel-2 tile's width): 16 px tiles, values GDAL reads at
 *    points across the width equal what was written.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RasterInfo } from '../../main/api.ts';
import { openRaster } from '../../main/raster/index.ts';
import { openRowSink, outputTileSize, type OutputSpec } from '../../main/tiler/output-writer.ts';
import { dataPath, gdalinfo, gdalOverviews, gdalPixel, gdalWindow } from '../helpers/gdal.ts';
import { firstIfdTags, TAG } from '../helpers/tiff-tags.ts';
import { numpyHalfBits } from '../helpers/numpy-half.ts';

const PISA = dataPath('oscd/pisa/imgs_1');
const BANDS = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'];

let tmp = '';
let src: number[][] = [];
let W = 0;
let H = 0;
let gt: number[] = [];
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-tiles-'));
  const info = gdalinfo(join(PISA, 'B02.tif'));
  [W, H] = info.size;
  gt = info.geoTransform;
  // 20 and 60 m bands read onto the 10 m grid (nearest), as GDAL sees them.
  src = BANDS.map((b) => gdalWindow(join(PISA, `${b}.tif`), { outsize: [W, H] })[0]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Band k of the synthetic feature image: a real band, scaled per k so bands differ. */
const value = (k: number, x: number, y: number) => (src[k % 10][y * W + (x % W)] / 1000) * (1 + Math.floor(k / 10) / 8) - 0.5;

async function write(path: string, width: number, height: number, bands: number, float16: boolean): Promise<void> {
  const spec: OutputSpec = {
    path, width, height, bandCount: bands, dataType: 'Float32', float16,
    geoTransform: [gt[0], gt[1], gt[2], gt[3], gt[4], gt[5]], crs: null, nodata: Number.NaN, resampling: 'average',
  };
  const sink = await openRowSink(spec);
  // Odd chunks, so chunks cross tile rows.
  for (let y0 = 0; y0 < height; y0 += 37) {
    const rows = Math.min(37, height - y0);
    const chunk = Array.from({ length: bands }, (_, k) => {
      const a = new Float32Array(rows * width);
      for (let r = 0; r < rows; r++) for (let x = 0; x < width; x++) a[r * width + x] = value(k, x, y0 + r);
      return a;
    });
    await sink.writeRows(chunk, rows);
  }
  await sink.finish();
}

/** Half bit patterns of the values GDAL reads (every half is exactly a Float32) equal numpy's rounding of the Float32 file's. */
function assertNearestHalf(f32: number[][], f16: number[][], what: string): void {
  const want = numpyHalfBits(Float32Array.from(f32.flat()));
  const got = numpyHalfBits(Float32Array.from(f16.flat()));
  let diff = 0;
  for (let i = 0; i < want.length; i++) if (want[i] !== got[i]) diff++;
  assert.equal(diff, 0, `${what}: ${diff} of ${want.length} values are not the nearest half`);
}

/**
 * Our reader reads `bands` of the W x `height` file and band `ovrBand` of its first overview
 * (half the size, rounded up) as GDAL does; returns the file's info for further checks.
 */
async function assertReadsAsGdal(path: string, height: number, bands: number[], ovrBand: number): Promise<RasterInfo> {
  const r = await openRaster([path]);
  try {
    const full = await r.readWindow({ x: 0, y: 0, width: W, height }, { bands });
    const gdal = gdalWindow(path, { bands });
    full.forEach((b, j) => assert.deepEqual(Array.from(b), gdal[j]));
    const ovr = await r.readWindow({ x: 0, y: 0, width: W, height }, { bands: [ovrBand], outWidth: Math.ceil(W / 2), outHeight: Math.ceil(height / 2) });
    assert.deepEqual(Array.from(ovr[0]), gdalWindow(path, { bands: [ovrBand], overviewLevel: 0 })[0]);
    return r.info;
  } finally {
    await r.close();
  }
}

test('tile size: 256 for narrow or few-band outputs, the largest multiple of 16 within 64 MiB otherwise, 16 at least', () => {
  assert.equal(outputTileSize(90, 128, 'Float32'), 256);
  assert.equal(outputTileSize(10980, 1, 'UInt16'), 256);
  assert.equal(outputTileSize(10980, 4, 'Float32'), 256);
  assert.equal(outputTileSize(718, 128, 'Float32'), 176); // 64 MiB / (718 x 128 x 4 B) = 182.6 rows
  assert.equal(outputTileSize(2745, 128, 'Float32'), 32); // embed of a 10980 px S2 tile (stride 4)
  assert.equal(outputTileSize(10980, 128, 'Float32'), 16); // fused embed of an S2 tile (stride 1)
  assert.equal(outputTileSize(40000, 256, 'Float64'), 16);
});

describe('a 128-band Float32 output 718 px wide (pisa bands, top 200 rows)', () => {
  const out = () => join(tmp, 'wide-f32.tif');
  before(() => write(out(), W, 200, 128, false));

  test('GDAL: 176 px tiles, overviews halving down to one tile, the values written', () => {
    const g = gdalinfo(out());
    assert.deepEqual(g.bands[0].block, [176, 176]);
    assert.deepEqual(gdalOverviews(g), [[359, 100], [180, 50], [90, 25]]);
    assert.deepEqual(firstIfdTags(out()).get(TAG.TileWidth), [176]);
    const got = gdalWindow(out(), { bands: [1, 77, 128] });
    [0, 76, 127].forEach((k, j) => {
      let diff = 0;
      for (let y = 0; y < 200; y++) for (let x = 0; x < W; x++) if (got[j][y * W + x] !== Math.fround(value(k, x, y))) diff++;
      assert.equal(diff, 0, `band ${k + 1}`);
    });
  });

  test('our reader reads the 176 px tiles and the first overview as GDAL does', async () => {
    const info = await assertReadsAsGdal(out(), 200, [1, 128], 64);
    assert.deepEqual(info.blockSize, [176, 176]);
  });
});

describe('half floats (16 bands, 718 x 360 pisa)', () => {
  const f32 = () => join(tmp, 'h-f32.tif');
  const f16 = () => join(tmp, 'h-f16.tif');
  before(async () => {
    await write(f32(), W, 360, 16, false);
    await write(f16(), W, 360, 16, true);
  });

  test('16-bit samples; every value and overview value is the nearest half of the Float32 file\'s (overviews averaged in Float32)', () => {
    const g = gdalinfo(f16());
    assert.equal(g.bands[0].metadata?.IMAGE_STRUCTURE?.NBITS, '16');
    assert.deepEqual(firstIfdTags(f16()).get(TAG.BitsPerSample), new Array(16).fill(16));
    assert.deepEqual(gdalOverviews(g), [[359, 180], [180, 90]]);
    assertNearestHalf(gdalWindow(f32()), gdalWindow(f16()), 'full resolution');
    for (const level of [0, 1]) assertNearestHalf(gdalWindow(f32(), { overviewLevel: level }), gdalWindow(f16(), { overviewLevel: level }), `overview ${level}`);
  });

  test('our reader reads the half floats and their overview as GDAL does', async () => {
    const info = await assertReadsAsGdal(f16(), 360, [1, 16], 9);
    assert.equal(info.dataType, 'Float32');
  });
});

test('48 bands 10980 px wide: 16 px tiles that GDAL reads back across the width', async () => {
  const width = 10980;
  const height = 20;
  const out = join(tmp, 's2-wide.tif');
  await write(out, width, height, 48, false);
  const g = gdalinfo(out);
  assert.deepEqual(g.bands[0].block, [16, 16]);
  assert.equal(g.bands.length, 48);
  for (const [x, y] of [[0, 0], [5000, 17], [width - 1, height - 1], [7183, 9]]) {
    // gdallocationinfo prints 15 digits: enough to name the Float32 value.
    const got = gdalPixel(out, x, y, [1, 33, 48]).map(Math.fround);
    assert.deepEqual(got, [0, 32, 47].map((k) => Math.fround(value(k, x, y))), `(${x},${y})`);
  }
});
