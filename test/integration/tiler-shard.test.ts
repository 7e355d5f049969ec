/**
 * --shard I/N: N runs of the same job, each writing its own band of output rows, merged
 * with GDAL's VRT (gdalbuildvrt, the documented way to assemble a cluster run), must
 * equal the single full run: same checksums, and for a model with an edge effect
 * blended across the shard boundary (box filter, Float32) the very same values.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataType } from '../../main/api.ts';
import { openRaster } from '../../main/raster/index.ts';
import { runTiled, type InferFn } from '../../main/tiler/index.ts';
import { dataPath, gdalChecksums, gdalinfo, gdalWindow } from '../helpers/gdal.ts';
import { boxFilter, identity } from './tiler-filters.ts';

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-tiler-shard-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

async function run(files: string[], out: string, infer: InferFn, type: DataType, shard?: string) {
  const raster = await openRaster(files);
  try {
    return await runTiled({ raster, tile: [64, 48], overlap: 16, batch: 3, infer, outChannels: raster.info.bandCount, outDataType: type, outPath: join(tmp, out), shard });
  } finally {
    await raster.close();
  }
}

function mosaic(name: string, parts: string[]): string {
  const vrt = join(tmp, name);
  execFileSync('gdalbuildvrt', ['-q', vrt, ...parts.map((p) => join(tmp, p))]);
  return vrt;
}

describe('shards merge into the full run', () => {
  test('box filter, 2 shards: merged VRT equals the full run value for value', async () => {
    const src = [dataPath('samples/L7_ETMs.tif')];
    const full = await run(src, 'full.tif', boxFilter(2), 'Float32');
    const s1 = await run(src, 's1.tif', boxFilter(2), 'Float32', '1/2');
    const s2 = await run(src, 's2.tif', boxFilter(2), 'Float32', '2/2');
    // Disjoint row bands that cover the grid, each on the full run's grid.
    assert.equal(s1.height + s2.height, full.height);
    assert.ok(s1.height > 0 && s2.height > 0);
    const g = gdalinfo(join(tmp, 'full.tif')).geoTransform;
    const g1 = gdalinfo(join(tmp, 's1.tif')).geoTransform;
    const g2 = gdalinfo(join(tmp, 's2.tif')).geoTransform;
    assert.deepEqual(g1, g);
    assert.ok(Math.abs(g2[3] - (g[3] + s1.height * g[5])) < 1e-6, 'shard 2 starts where shard 1 ends');
    // Shards run the neighbouring tile row too (blending across the boundary).
    assert.ok(s1.total + s2.total > full.total);
    const vrt = mosaic('merged.vrt', ['s1.tif', 's2.tif']);
    assert.deepEqual(gdalinfo(vrt).size, gdalinfo(join(tmp, 'full.tif')).size);
    assert.deepEqual(gdalChecksums(vrt), gdalChecksums(join(tmp, 'full.tif')));
    const a = gdalWindow(vrt);
    const b = gdalWindow(join(tmp, 'full.tif'));
    let differ = 0;
    a.forEach((band, k) => band.forEach((v, i) => (differ += Object.is(v, b[k][i]) ? 0 : 1)));
    assert.equal(differ, 0, `${differ} values differ`);
  });

  test('OSCD band set identity, 3 shards: checksums of the merge equal the full run and the source', async () => {
    const dir = dataPath('oscd/bercy/imgs_1');
    const files = ['B02', 'B03', 'B04', 'B08'].map((b) => join(dir, `${b}.tif`));
    await run(files, 'o-full.tif', identity, 'UInt16');
    for (let i = 1; i <= 3; i++) await run(files, `o-s${i}.tif`, identity, 'UInt16', `${i}/3`);
    const vrt = mosaic('o-merged.vrt', ['o-s1.tif', 'o-s2.tif', 'o-s3.tif']);
    const full = gdalChecksums(join(tmp, 'o-full.tif'));
    assert.deepEqual(gdalChecksums(vrt), full);
    const srcVrt = join(tmp, 'o-src.vrt');
    execFileSync('gdalbuildvrt', ['-q', '-separate', srcVrt, ...files]);
    assert.deepEqual(full, gdalChecksums(srcVrt));
  });

  test('a bad shard is refused with a specific message', async () => {
    await assert.rejects(run([dataPath('samples/L7_ETMs.tif')], 'x.tif', identity, 'Byte', '3/2'), /shard 3\/2/);
    await assert.rejects(run([dataPath('samples/L7_ETMs.tif')], 'x.tif', identity, 'Byte', '1/50'), /only \d+ rows of tiles/);
  });
});
