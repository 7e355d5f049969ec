/**
 * bandStats against numpy over GDAL's own read of the same sample (Python bindings),
 * crsTransformer against gdaltransform -t_srs EPSG:3857, pixelOf against
 * gdallocationinfo -geoloc.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bandStats, coordOf, crsTransformer, openRaster, pixelOf } from '../../main/raster/index.ts';
import { dataPath, gdalNumpyStats, gdalPixelOf, gdalTransform } from '../helpers/gdal.ts';

function near(a: number, b: number, rel: number, what: string): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

describe('bandStats equals numpy over GDAL reads', () => {
  for (const [file, w, h] of [
    ['samples/meuse.tif', 80, 115], // small: the whole image
    ['s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif', 512, 512], // Float32, NaN nodata
    ['hr/spacenet_atlanta_solaris/sample_geotiff.tif', 512, 512], // 900 px: decimated to 512, nodata 0
    ['samples/L7_ETMs.tif', 349, 352],
  ] as const) {
    test(file, async () => {
      const r = await openRaster([dataPath(file)]);
      try {
        const ours = await bandStats(r);
        const theirs = gdalNumpyStats(dataPath(file), w, h);
        assert.equal(ours.length, theirs.length);
        ours.forEach((s, k) => {
          assert.equal(s.band, k + 1);
          assert.equal(s.validCount, theirs[k].count, 'valid count');
          for (const key of ['min', 'max', 'p2', 'p98'] as const) near(s[key], theirs[k][key], 0, `band ${k + 1} ${key}`);
          near(s.mean, theirs[k].mean, 1e-12, `band ${k + 1} mean`);
        });
      } finally {
        await r.close();
      }
    });
  }

  test('selected bands only', async () => {
    const r = await openRaster([dataPath('samples/L7_ETMs.tif')]);
    try {
      const s = await bandStats(r, [4, 2]);
      assert.deepEqual(s.map((b) => b.band), [4, 2]);
    } finally {
      await r.close();
    }
  });
});

describe('coordinates', () => {
  for (const file of ['samples/L7_ETMs.tif', 'samples/elev.tif', 'samples/meuse.tif', 'samples/lc.tif', 'hr/spacenet_atlanta_solaris/sample_geotiff.tif']) {
    test(`${file}: toMap equals gdaltransform to EPSG:3857; fromMap inverts it`, async () => {
      const r = await openRaster([dataPath(file)]);
      try {
        const info = r.info;
        const tr = crsTransformer(info.crs!);
        const pixels: [number, number][] = [[0, 0], [info.width, info.height], [info.width / 3, info.height / 2]];
        const theirs = gdalTransform(pixels, { file: dataPath(file), tSrs: 'EPSG:3857' });
        pixels.forEach((p, k) => {
          const xy = coordOf(info, p);
          const m = tr.toMap(xy);
          // 1 mm: the same formulas in proj4js and PROJ
          assert.ok(Math.abs(m[0] - theirs[k][0]) < 1e-3 && Math.abs(m[1] - theirs[k][1]) < 1e-3, `pixel ${p}: ${m} vs GDAL ${theirs[k]}`);
          const back = tr.fromMap(m);
          near(back[0], xy[0], 1e-9, 'fromMap x');
          near(back[1], xy[1], 1e-9, 'fromMap y');
        });
      } finally {
        await r.close();
      }
    });
  }

  test('pixelOf equals gdallocationinfo -geoloc', async () => {
    const file = dataPath('samples/L7_ETMs.tif');
    const r = await openRaster([file]);
    try {
      for (const xy of [[290000, 9115000], [288776.3, 9120760.7], [298700, 9110730], [293749.5, 9115744.75]] as [number, number][]) {
        const [col, row] = pixelOf(r.info, xy);
        assert.deepEqual([Math.floor(col), Math.floor(row)], gdalPixelOf(file, xy[0], xy[1]), `at ${xy}`);
        const back = coordOf(r.info, [col, row]);
        near(back[0], xy[0], 1e-12, 'coordOf x');
        near(back[1], xy[1], 1e-12, 'coordOf y');
      }
    } finally {
      await r.close();
    }
  });
});
