/**
 * A post transform turns the blended Float32 rows into what is written: here the index of
 * the brightest band (an argmax, as segmentation does over class probabilities) as Byte.
 * Checked pixel by pixel against the argmax of GDAL's own read of the input, and the
 * written file must be a 1-band Byte GeoTIFF on the input grid.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster } from '../../main/raster/index.ts';
import { runTiled } from '../../main/tiler/index.ts';
import { dataPath, gdalinfo, gdalWindow } from '../helpers/gdal.ts';

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-tiler-post-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('post transform: per-pixel argmax over bands written as Byte on the input grid', async () => {
  const src = dataPath('samples/L7_ETMs.tif');
  const out = join(tmp, 'argmax.tif');
  const raster = await openRaster([src]);
  const C = raster.info.bandCount;
  try {
    await runTiled({
      raster,
      tile: 128,
      overlap: 32,
      batch: 2,
      infer: async (inputs) => inputs.map((t) => t.slice()),
      outChannels: C,
      outPath: out,
      nodata: 255,
      colorTable: [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255]],
      categoryNames: ['band 1', 'band 2', 'band 3 & more', 'band 4', 'band 5', 'band 6'],
      post: {
        bandCount: 1,
        dataType: 'Byte',
        transform: (bands, rows, width) => {
          const cls = new Uint8Array(rows * width);
          for (let i = 0; i < cls.length; i++) {
            let best = 0;
            for (let b = 1; b < C; b++) if (bands[b][i] > bands[best][i]) best = b;
            cls[i] = Number.isNaN(bands[0][i]) ? 255 : best;
          }
          return [cls];
        },
      },
    });
  } finally {
    await raster.close();
  }
  const o = gdalinfo(out);
  const s = gdalinfo(src);
  assert.deepEqual(o.size, s.size);
  assert.equal(o.bands.length, 1);
  assert.equal(o.bands[0].type, 'Byte');
  assert.equal(o.bands[0].noDataValue, 255);
  assert.deepEqual(o.geoTransform, s.geoTransform);
  assert.equal(o.bands[0].colorInterpretation, 'Palette');
  assert.deepEqual(o.bands[0].colorTable.entries.slice(0, 3), [[255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255]]);
  assert.deepEqual(o.bands[0].categories, ['band 1', 'band 2', 'band 3 & more', 'band 4', 'band 5', 'band 6']);
  const ours = gdalWindow(out)[0];
  const input = gdalWindow(src);
  let wrong = 0;
  const counts = new Array(C).fill(0);
  for (let i = 0; i < ours.length; i++) {
    let best = 0;
    for (let b = 1; b < C; b++) if (input[b][i] > input[best][i]) best = b;
    counts[best]++;
    if (ours[i] !== best) wrong++;
  }
  assert.equal(wrong, 0, `${wrong} pixels differ from the argmax of GDAL's read`);
  assert.ok(counts.filter((c) => c > 0).length >= 2, `the scene must exercise more than one class (${counts})`);
});
