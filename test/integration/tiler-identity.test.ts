/**
 * The tiler with an identity "model" must reproduce the source exactly, whatever the
 * tile size and overlap (non-square, not dividing the raster, larger than the raster,
 * overlapping more than half a tile): GDAL's per-band checksums of the output equal the
 * source's, and the output grid (size, CRS, geotransform) equals gdalinfo's of the
 * input. Real rasters: Landsat 7 (6 x Byte), an OSCD Sentinel-2 band set (4 x UInt16
 * files) and a Float32 DEM (exactness of the blend in floating point).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataType } from '../../main/api.ts';
import { openRaster } from '../../main/raster/index.ts';
import { runTiled } from '../../main/tiler/index.ts';
import { dataPath, gdalBuildVrtSeparate, gdalChecksums, gdalEpsg, gdalinfo, gdalWindow, type GdalInfo } from '../helpers/gdal.ts';
import { identity } from './tiler-filters.ts';

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-tiler-id-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function sameGrid(out: GdalInfo, src: GdalInfo): void {
  assert.deepEqual(out.size, src.size, 'size');
  assert.equal(gdalEpsg(out), gdalEpsg(src), 'EPSG');
  out.geoTransform.forEach((v: number, k: number) => assert.ok(Math.abs(v - src.geoTransform[k]) <= 1e-9 * Math.max(1, Math.abs(v)), `geoTransform[${k}] ${v} vs ${src.geoTransform[k]}`));
}

async function identityRun(files: string[], tile: number | [number, number], overlap: number | [number, number], outType: DataType, name: string, writerThread: boolean | 'auto' = 'auto') {
  const raster = await openRaster(files);
  try {
    const out = join(tmp, `${name}.tif`);
    const res = await runTiled({ raster, tile, overlap, batch: 3, infer: identity, outChannels: raster.info.bandCount, outDataType: outType, outPath: out, writerThread });
    return { out, res };
  } finally {
    await raster.close();
  }
}

const CASES: { tile: number | [number, number]; overlap: number | [number, number] }[] = [
  { tile: 128, overlap: 0 },
  { tile: [100, 77], overlap: [20, 13] }, // non-square, dividing nothing
  { tile: 96, overlap: 60 }, // overlap beyond half a tile: three tiles blend
  { tile: [349, 352], overlap: 0 }, // one tile, exactly the raster
  { tile: 512, overlap: 32 }, // tile larger than the raster: padded, cropped
];

describe('tiler identity reproduces the source', () => {
  const l7 = dataPath('samples/L7_ETMs.tif');
  for (const c of CASES) {
    test(`Landsat 6 x Byte, tile ${JSON.stringify(c.tile)} overlap ${JSON.stringify(c.overlap)}`, async () => {
      const name = `l7-${String(c.tile)}-${String(c.overlap)}`.replace(/,/g, 'x');
      // The writer thread for one case (it is 'auto', i.e. off, for outputs this small).
      const { out, res } = await identityRun([l7], c.tile, c.overlap, 'Byte', name, c.overlap === 60);
      sameGrid(gdalinfo(out), gdalinfo(l7));
      assert.deepEqual(gdalChecksums(out), gdalChecksums(l7));
      assert.equal(res.skipped, 0);
      assert.equal(res.tiles, res.plan.xs.length * res.plan.ys.length);
      const info = gdalinfo(out);
      assert.equal(info.metadata.IMAGE_STRUCTURE.COMPRESSION, 'DEFLATE');
      assert.deepEqual(info.bands[0].block, [256, 256], 'tiled');
      assert.ok((info.bands[0].overviews ?? []).length >= 1, 'has overviews');
    });
  }

  test('OSCD Sentinel-2 band set (B02 B03 B04 B08, UInt16), tile 200 overlap 40', async () => {
    const dir = dataPath('oscd/mumbai/imgs_1');
    const files = ['B02', 'B03', 'B04', 'B08'].map((b) => join(dir, `${b}.tif`));
    const { out, res } = await identityRun(files, 200, 40, 'UInt16', 'oscd');
    const vrt = join(tmp, 'oscd.vrt');
    gdalBuildVrtSeparate(vrt, files);
    sameGrid(gdalinfo(out), gdalinfo(files[0]));
    assert.deepEqual(gdalChecksums(out), gdalChecksums(vrt));
    assert.ok(res.tiles > 4);
  });

  test('Float32 DEM: blended floating-point values are exact (bit for bit)', async () => {
    const dem = dataPath('samples/olinda_dem_utm25s.tif');
    const { out } = await identityRun([dem], [90, 70], [30, 22], 'Float32', 'dem');
    sameGrid(gdalinfo(out), gdalinfo(dem));
    assert.deepEqual(gdalChecksums(out), gdalChecksums(dem));
    // GDAL's checksum of floats truncates them; compare every value as read by GDAL.
    const [a] = gdalWindow(out);
    const [b] = gdalWindow(dem);
    assert.equal(a.length, b.length);
    let differ = 0;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ++;
    assert.equal(differ, 0, `${differ} values differ`);
    assert.equal(gdalinfo(out).bands[0].noDataValue, gdalinfo(dem).bands[0].noDataValue);
  });

  test('a tile larger than the raster is mirror-padded (what the model sees past the edge)', async () => {
    const dem = dataPath('samples/olinda_dem_utm25s.tif'); // 111 x 111
    const raster = await openRaster([dem]);
    let seen: Float32Array | null = null;
    try {
      await runTiled({
        raster, tile: [128, 160], infer: async (x) => ((seen = x[0]), [x[0].slice()]), outChannels: 1, outPath: join(tmp, 'pad.tif'),
      });
    } finally {
      await raster.close();
    }
    const [src] = gdalWindow(dem);
    const n = 111;
    const mirror = (i: number) => (i < n ? i : 2 * (n - 1) - i);
    let bad = 0;
    for (let y = 0; y < 160; y++) for (let x = 0; x < 128; x++) if (!Object.is(seen![y * 128 + x], Math.fround(src[mirror(y) * n + mirror(x)]))) bad++;
    assert.equal(bad, 0);
  });

  test('no temporary file is left in the output folder', () => {
    assert.deepEqual(readdirSync(tmp).filter((n) => n.startsWith('.')), []);
  });
});
