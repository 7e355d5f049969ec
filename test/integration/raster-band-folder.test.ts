/**
 * A folder (or list) of single-band Sentinel-2 files as one raster, against GDAL's own
 * answer for the same stack: `gdalbuildvrt -separate -resolution highest` (nearest).
 * Tolerance: none. Both map each 10 m pixel centre to the 20 m / 60 m pixel containing
 * it, so the values must be identical; a differing pixel means a grid or rounding bug.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster, type NumericArray } from '../../main/raster/index.ts';
import { S2_ORDER } from '../../main/raster/sentinel2-bands.ts';
import { dataPath, gdalBuildVrtSeparate, gdalTranslate, gdalWarp, gdalWindow } from '../helpers/gdal.ts';

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-bandset-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function countDiffs(ours: NumericArray, theirs: number[]): number {
  let n = 0;
  for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) n++;
  return n;
}

function s2Files(dir: string, present: string[]): string[] {
  return S2_ORDER.filter((b) => present.includes(b)).map((b) => join(dir, `${b}.tif`));
}

describe('band folders equal gdalbuildvrt -separate -resolution highest', () => {
  for (const scene of ['oscd/aguasclaras/imgs_1', 'oscd/hongkong/imgs_1', 'oscd/bercy/imgs_2']) {
    test(`${scene}: every band, full resolution`, async () => {
      const dir = dataPath(scene);
      const raster = await openRaster([dir]);
      try {
        const vrt = join(tmp, `${scene.replace(/\//g, '_')}.vrt`);
        gdalBuildVrtSeparate(vrt, raster.info.files);
        assert.deepEqual(raster.info.files, s2Files(dir, raster.info.bandNames));
        const { width, height } = raster.info;
        const ours = await raster.readWindow({ x: 0, y: 0, width, height });
        const theirs = gdalWindow(vrt);
        ours.forEach((band, b) => assert.equal(countDiffs(band, theirs[b]), 0, `${raster.info.bandNames[b]} differs from the VRT`));
      } finally {
        await raster.close();
      }
    });
  }

  test('a window and a decimated read of a band folder', async () => {
    const dir = dataPath('oscd/aguasclaras/imgs_1');
    const raster = await openRaster([dir]);
    try {
      const vrt = join(tmp, 'aguas.vrt');
      gdalBuildVrtSeparate(vrt, raster.info.files);
      const win = { x: 123, y: 77, width: 301, height: 203 };
      const ours = await raster.readWindow(win, { bands: [1, 5, 9, 13] });
      const theirs = gdalWindow(vrt, { srcwin: [win.x, win.y, win.width, win.height], bands: [1, 5, 9, 13] });
      ours.forEach((band, k) => assert.equal(countDiffs(band, theirs[k]), 0, `window band ${k}`));
      const small = await raster.readWindow({ x: 0, y: 0, width: raster.info.width, height: raster.info.height }, { outWidth: 131, outHeight: 117, bands: [2, 6] });
      const smallGdal = gdalWindow(vrt, { outsize: [131, 117], bands: [2, 6] });
      small.forEach((band, k) => assert.equal(countDiffs(band, smallGdal[k]), 0, `decimated band ${k}`));
    } finally {
      await raster.close();
    }
  });

  test('files given in any order come out in Sentinel-2 order, named from the files', async () => {
    const dir = dataPath('oscd/bercy/imgs_1');
    const files = ['B8A', 'B04', 'B02', 'B11', 'B03'].map((b) => join(dir, `${b}.tif`));
    const raster = await openRaster(files);
    try {
      assert.deepEqual(raster.info.bandNames, ['B02', 'B03', 'B04', 'B8A', 'B11']);
      assert.equal(raster.info.format, 'BandFolder');
      assert.equal(raster.info.dataType, 'UInt16');
    } finally {
      await raster.close();
    }
  });
});

describe('band sets that do not fit together', () => {
  test('a band in another CRS is named', async () => {
    const dir = dataPath('oscd/bercy/imgs_1');
    const warped = join(tmp, 'B03.tif');
    gdalWarp(['-t_srs', 'EPSG:32631', join(dir, 'B03.tif'), warped]);
    await assert.rejects(openRaster([join(dir, 'B02.tif'), warped]), (err: { code: string; message: string; file?: string }) => {
      assert.equal(err.code, 'E_BAND_MISMATCH');
      assert.ok(err.message.includes(warped), err.message);
      return true;
    });
  });

  test('a band that does not overlap is named', async () => {
    const dir = dataPath('oscd/bercy/imgs_1');
    const moved = join(tmp, 'B04.tif');
    gdalTranslate(['-a_ullr', '10', '10', '10.05', '9.95', join(dir, 'B04.tif'), moved]);
    await assert.rejects(openRaster([join(dir, 'B02.tif'), moved]), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'E_BAND_MISMATCH');
      assert.ok(err.message.includes(moved), err.message);
      return true;
    });
  });

  test('a multi-band file in a set is named', async () => {
    const multi = dataPath('samples/L7_ETMs.tif');
    await assert.rejects(openRaster([dataPath('oscd/bercy/imgs_1/B02.tif'), multi]), (err: { code: string; message: string }) => {
      assert.equal(err.code, 'E_BAND_MISMATCH');
      assert.ok(err.message.includes('L7_ETMs.tif'), err.message);
      return true;
    });
  });
});
