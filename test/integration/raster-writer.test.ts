/**
 * The streaming GeoTIFF writer, checked by GDAL: write real rasters tile by tile
 * (through PyramidWriter, which also builds the overviews), then gdalinfo must read
 * size, CRS, geotransform, overviews, nodata and band descriptions back, and
 * `gdalinfo -checksum` must equal the source's per band.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GeoTiffWriter, PyramidWriter, openRaster, type Raster } from '../../main/raster/index.ts';
import type { GeoTiffWriterOptions } from '../../main/raster/index.ts';
import {
  dataPath, gdalAddo, gdalChecksums, gdalEpsg, gdalinfo, gdalOverviews, gdalTransform, gdalTranslate, gdalWindow,
} from '../helpers/gdal.ts';

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-writer-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Copies a raster into a new GeoTIFF, 64 rows at a time, like the display cache does. */
async function copy(src: Raster, out: string, extra: Partial<GeoTiffWriterOptions> = {}): Promise<void> {
  const i = src.info;
  const writer = await GeoTiffWriter.create(out, {
    width: i.width,
    height: i.height,
    bandCount: i.bandCount,
    dataType: i.dataType,
    geoTransform: i.geoTransform,
    crs: i.crs,
    nodata: i.nodata,
    bandNames: i.bandNames,
    ...extra,
  });
  const pyramid = new PyramidWriter(writer, 'average');
  for (let y = 0; y < i.height; y += 64) {
    const h = Math.min(64, i.height - y);
    await pyramid.writeRows(await src.readWindow({ x: 0, y, width: i.width, height: h }), h);
  }
  await pyramid.finish();
}

async function withRaster<T>(file: string, fn: (r: Raster) => Promise<T>): Promise<T> {
  const r = await openRaster([file]);
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

describe('GeoTIFF writer read back by GDAL', () => {
  test('Landsat 6 bands: CRS, geotransform, 4 overviews, checksums', async () => {
    const src = dataPath('samples/L7_ETMs.tif');
    const out = join(tmp, 'l7.tif');
    await withRaster(src, (r) => copy(r, out, { overviews: 4, predictor: 2 }));
    const g = gdalinfo(out);
    const s = gdalinfo(src);
    assert.deepEqual(g.size, s.size);
    assert.equal(gdalEpsg(g), 31985);
    g.geoTransform.forEach((v: number, k: number) => assert.ok(Math.abs(v - s.geoTransform[k]) <= 1e-9 * Math.max(1, Math.abs(v)), `geoTransform[${k}]`));
    assert.deepEqual(gdalOverviews(g), gdalOverviews(s));
    assert.deepEqual(g.bands[0].block, [256, 256]);
    assert.equal(g.metadata.IMAGE_STRUCTURE.COMPRESSION, 'DEFLATE');
    assert.deepEqual(gdalChecksums(out), gdalChecksums(src));
    assert.deepEqual(readdirSync(tmp).filter((n) => n.includes('.part-')), [], 'no temporary file left');
  });

  // Tolerance: area-weighted averages that are exactly x.5 round either way depending on
  // floating-point summation order; allow a difference of 1 on at most 0.1% of pixels.
  test('overviews are area-weighted averages: the first equals gdaladdo -r average', async () => {
    const plain = join(tmp, 'l7-plain.tif');
    gdalTranslate([dataPath('samples/L7_ETMs.tif'), plain]);
    gdalAddo(['-r', 'average', plain, '2']);
    const theirs = gdalWindow(plain, { overviewLevel: 0 });
    const ours = gdalWindow(join(tmp, 'l7.tif'), { overviewLevel: 0 });
    theirs.forEach((band, b) => {
      let off = 0;
      band.forEach((v, k) => {
        const d = Math.abs(ours[b][k] - v);
        assert.ok(d <= 1, `band ${b + 1} pixel ${k}: ${ours[b][k]} vs GDAL ${v}`);
        if (d) off++;
      });
      assert.ok(off <= band.length / 1000, `band ${b + 1}: ${off} of ${band.length} pixels differ by 1`);
    });
  });

  test('Int16 with nodata, a description and a CRS without EPSG code (meuse)', async () => {
    const src = dataPath('samples/meuse.tif');
    const out = join(tmp, 'meuse.tif');
    await withRaster(src, (r) => copy(r, out));
    const g = gdalinfo(out);
    assert.equal(g.bands[0].noDataValue, -32768);
    assert.equal(g.bands[0].description, 'test');
    assert.deepEqual(gdalChecksums(out), gdalChecksums(src));
    const pixels: [number, number][] = [[0, 0], [80, 115], [40.5, 20.25]];
    assert.deepEqual(gdalTransform(pixels, { file: out, tSrs: 'EPSG:4326' }), gdalTransform(pixels, { file: src, tSrs: 'EPSG:4326' }));
  });

  test('user-defined cylindrical equal-area on NAD27 (cea) keeps its CRS', async () => {
    const src = dataPath('samples/cea.tif');
    const out = join(tmp, 'cea.tif');
    await withRaster(src, (r) => copy(r, out, { tileSize: 512 }));
    const pixels: [number, number][] = [[0, 0], [514, 515], [100, 300]];
    const a = gdalTransform(pixels, { file: out, tSrs: 'EPSG:4267' });
    const b = gdalTransform(pixels, { file: src, tSrs: 'EPSG:4267' });
    a.forEach((p, k) => {
      assert.ok(Math.abs(p[0] - b[k][0]) < 1e-9 && Math.abs(p[1] - b[k][1]) < 1e-9, `pixel ${pixels[k]}: ${p} vs ${b[k]}`);
    });
    assert.deepEqual(gdalChecksums(out), gdalChecksums(src));
  });

  test('Float32 SAR with NaN nodata: predictor 3, 512 px tiles, BigTIFF', async () => {
    const src = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
    const out = join(tmp, 's1.tif');
    await withRaster(src, (r) => copy(r, out, { tileSize: 512, predictor: 3, bigTiff: true }));
    const g = gdalinfo(out);
    assert.equal(g.bands[0].noDataValue, 'NaN');
    assert.deepEqual(g.bands.map((b: { description: string }) => b.description), ['VV', 'VH']);
    assert.deepEqual(g.bands[0].block, [512, 512]);
    assert.equal(gdalEpsg(g), 4326);
    assert.deepEqual(gdalChecksums(out), gdalChecksums(src));
    // and our reader reads the BigTIFF back identically
    await withRaster(out, async (r) => {
      const ours = await r.readWindow({ x: 100, y: 100, width: 50, height: 40 });
      const theirs = gdalWindow(src, { srcwin: [100, 100, 50, 40] });
      ours.forEach((band, b) => band.forEach((v, k) => assert.ok(Object.is(v, theirs[b][k]) || v === theirs[b][k])));
    });
  });

  test('a colour table (lc.tif palette)', async () => {
    const src = dataPath('samples/lc.tif');
    const s = gdalinfo(src);
    const entries = s.bands[0].colorTable.entries as number[][];
    const out = join(tmp, 'lc.tif');
    await withRaster(src, (r) => copy(r, out, { colorTable: entries.map((e) => [e[0], e[1], e[2]]) }));
    const g = gdalinfo(out);
    assert.equal(g.bands[0].colorInterpretation, 'Palette');
    assert.deepEqual(g.bands[0].colorTable.entries.map((e: number[]) => e.slice(0, 3)), entries.map((e) => e.slice(0, 3)));
    assert.deepEqual(gdalChecksums(out), gdalChecksums(src));
  });

  test('tiles written directly in any order, some left out (sparse, read as nodata)', async () => {
    const out = join(tmp, 'direct.tif');
    const w = await GeoTiffWriter.create(out, { width: 300, height: 200, bandCount: 1, dataType: 'UInt16', overviews: 0, nodata: 7 });
    const tile = (v: number, n: number) => new Uint16Array(n).fill(v);
    await w.writeTile(0, 1, 0, [tile(2, 44 * 200)]); // the right edge tile, just its in-image part
    await w.writeTile(0, 0, 0, [tile(1, 256 * 256)]);
    await w.close();
    assert.deepEqual(gdalWindow(out, { srcwin: [250, 10, 10, 1] })[0], [1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
    const sparse = join(tmp, 'sparse.tif');
    const s = await GeoTiffWriter.create(sparse, { width: 600, height: 10, bandCount: 1, dataType: 'Byte', overviews: 0, nodata: 9 });
    await s.writeTile(0, 0, 0, [new Uint8Array(256 * 10).fill(3)]);
    await s.close();
    assert.deepEqual(gdalWindow(sparse, { srcwin: [254, 0, 4, 1] })[0], [3, 3, 9, 9]);
  });

  test('abort removes the partial file; bad options are refused', async () => {
    const out = join(tmp, 'aborted.tif');
    const w = await GeoTiffWriter.create(out, { width: 1000, height: 1000, bandCount: 1, dataType: 'Byte' });
    await w.writeTile(0, 0, 0, [new Uint8Array(256 * 256)]);
    await w.abort();
    assert.deepEqual(readdirSync(tmp).filter((n) => n.includes('aborted')), []);
    await assert.rejects(GeoTiffWriter.create(join(tmp, 'x.tif'), { width: 0, height: 10, bandCount: 1, dataType: 'Byte' }), { code: 'E_BAD_REQUEST' });
    await assert.rejects(GeoTiffWriter.create(join(tmp, 'x.tif'), { width: 10, height: 10, bandCount: 1, dataType: 'Byte', predictor: 3 }), { code: 'E_BAD_REQUEST' });
  });
});
