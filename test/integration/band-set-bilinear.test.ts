/**
 * Band folders opened for a model (`coarseBands: 'bilinear'`): every 20 m and 60 m band on
 * the 10 m grid equals GDAL's `gdalwarp -r bilinear -te <10 m extent> -ts <10 m size>` of that
 * band file (what the heads' training data went through), within 1e-3 relative, on whole
 * reads, windows starting mid-raster and windows at and past the edges; a band with nodata
 * follows gdalwarp's nodata rule. The default open stays nearest (raster-band-folder.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster, type NumericArray, type Raster, type Window } from '../../main/raster/index.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWarp, gdalWindow } from '../helpers/gdal.ts';

const TOL = 1e-3;

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-bilinear-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** `file` warped bilinearly onto the grid of `ref` (extent and size), Float32, NaN nodata. */
function warpOnto(file: string, ref: string, name: string): { width: number; height: number; values: number[] } {
  const g = gdalinfo(ref);
  const gt = g.geoTransform as number[];
  const [w, h] = g.size as [number, number];
  const out = join(tmp, `${name}.tif`);
  const te = [gt[0], gt[3] + gt[5] * h, gt[0] + gt[1] * w, gt[3]];
  gdalWarp(['-overwrite', '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', 'nan', '-te', ...te.map(String), '-ts', String(w), String(h), file, out]);
  return { width: w, height: h, values: gdalWindow(out)[0] };
}

interface Mismatch {
  values: number;
  nodata: number;
  first: string;
}

/** Pixels of `ours` (window `win`) differing from the warped reference; off-grid pixels must hold `outside`. */
function mismatches(ours: NumericArray, win: Window, ref: { width: number; height: number; values: number[] }, outside: number): Mismatch {
  const m: Mismatch = { values: 0, nodata: 0, first: '' };
  for (let r = 0; r < win.height; r++) {
    for (let c = 0; c < win.width; c++) {
      const x = win.x + c;
      const y = win.y + r;
      const v = ours[r * win.width + c];
      const inside = x >= 0 && y >= 0 && x < ref.width && y < ref.height;
      const want = inside ? ref.values[y * ref.width + x] : outside;
      const bad = Number.isNaN(want) || Number.isNaN(v) ? !(Number.isNaN(want) && Number.isNaN(v)) : Math.abs(v - want) > TOL * Math.max(1, Math.abs(want));
      if (!bad) continue;
      if (Number.isNaN(want) !== Number.isNaN(v)) m.nodata++;
      else m.values++;
      if (!m.first) m.first = `(${x}, ${y}): ${v} vs gdalwarp ${want}`;
    }
  }
  return m;
}

async function withRaster<T>(paths: string[], fn: (r: Raster) => Promise<T>, coarseBands: 'nearest' | 'bilinear' = 'bilinear'): Promise<T> {
  const r = await openRaster(paths, { coarseBands });
  try {
    return await fn(r);
  } finally {
    await r.close();
  }
}

/** The same files opened the default way (nearest) and for a model (bilinear). */
function withBoth(paths: string[], fn: (near: Raster, bil: Raster) => Promise<void>): Promise<void> {
  return withRaster(paths, (near) => withRaster(paths, (bil) => fn(near, bil)), 'nearest');
}

describe('band folders opened with bilinear coarse bands equal gdalwarp -r bilinear', () => {
  for (const scene of ['oscd/bercy/imgs_1', 'oscd/rennes/imgs_2', 'oscd/hongkong/imgs_2']) {
    test(`${scene}: every band, whole raster and windows mid-raster and at the edges`, async () => {
      const dir = dataPath(scene);
      await withRaster([dir], async (r) => {
        const { width: W, height: H } = r.info;
        assert.equal(r.info.dataType, 'Float32');
        assert.equal(r.info.nodata, null);
        const ref10 = join(dir, 'B02.tif');
        const windows: Window[] = [
          { x: 0, y: 0, width: W, height: H },
          { x: 37, y: 51, width: 101, height: 77 },
          { x: W - 64, y: H - 64, width: 64, height: 64 },
          // Hanging past the right and bottom edges, and starting left of / above the grid.
          { x: W - 30, y: H - 23, width: 64, height: 64 },
          { x: -7, y: -5, width: 40, height: 33 },
        ];
        const resampled = r.info.bandNames.filter((n) => !['B02', 'B03', 'B04', 'B08'].includes(n));
        assert.equal(resampled.length, 9, `${scene}: expected the 9 bands at 20 and 60 m`);
        for (const [k, name] of r.info.bandNames.entries()) {
          const ref = warpOnto(join(dir, `${name}.tif`), ref10, `${scene.replace(/\//g, '_')}_${name}`);
          for (const win of windows) {
            const [band] = await r.readWindow(win, { bands: [k + 1] });
            const m = mismatches(band, win, ref, 0);
            assert.deepEqual([m.values, m.nodata], [0, 0], `${scene} ${name} window ${JSON.stringify(win)}: first ${m.first}`);
          }
        }
      });
    });
  }

  test('the nearest open of the same folder differs on the 20 m bands (the option does something)', async () => {
    await withBoth([dataPath('oscd/bercy/imgs_1')], async (near, bil) => {
      const win = { x: 0, y: 0, width: near.info.width, height: near.info.height };
      const b = near.info.bandNames.indexOf('B05') + 1;
      const [a] = await near.readWindow(win, { bands: [b] });
      const [c] = await bil.readWindow(win, { bands: [b] });
      let differ = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== c[i]) differ++;
      assert.ok(differ > a.length / 2, `only ${differ} of ${a.length} pixels differ`);
      assert.equal(near.info.dataType, 'UInt16');
    });
  });

  test('bands that share one grid read as stored: same type, same values as the nearest open', async () => {
    const dir = dataPath('oscd/bercy/imgs_1');
    const files = ['B02', 'B03', 'B04', 'B08'].map((b) => join(dir, `${b}.tif`));
    await withBoth(files, async (near, bil) => {
      assert.equal(bil.info.dataType, 'UInt16');
      const win = { x: 11, y: 13, width: 200, height: 150 };
      assert.deepEqual(await bil.readWindow(win), await near.readWindow(win));
    });
  });

  test('a decimated read (preview, scan) stays nearest', async () => {
    await withBoth([dataPath('oscd/bercy/imgs_1')], async (near, bil) => {
      const win = { x: 0, y: 0, width: near.info.width, height: near.info.height };
      const opts = { outWidth: 97, outHeight: 83, bands: [1, 5, 10] };
      const a = await near.readWindow(win, opts);
      const b = await bil.readWindow(win, opts);
      b.forEach((band, k) => assert.deepEqual(Array.from(band), Array.from(a[k]), `band ${opts.bands[k]}`));
    });
  });

  test('a 20 m band with nodata: a 10 m pixel whose centre is in a nodata pixel is NaN, others as gdalwarp', async () => {
    const dir = dataPath('oscd/bercy/imgs_1');
    const raw = gdalWindow(join(dir, 'B05.tif'))[0];
    // The most frequent value as nodata: many holes, scattered and in runs.
    const counts = new Map<number, number>();
    for (const v of raw) counts.set(v, (counts.get(v) ?? 0) + 1);
    const [nodata, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
    assert.ok(n > 20, `value ${nodata} occurs only ${n} times`);
    const folder = join(tmp, 'nodata');
    mkdirSync(folder);
    copyFileSync(join(dir, 'B02.tif'), join(folder, 'B02.tif'));
    copyFileSync(join(dir, 'B04.tif'), join(folder, 'B04.tif'));
    gdalTranslate(['-a_nodata', String(nodata), join(dir, 'B05.tif'), join(folder, 'B05.tif')]);
    const ref = warpOnto(join(folder, 'B05.tif'), join(folder, 'B02.tif'), 'nodata_B05');
    const holes = ref.values.filter((v) => Number.isNaN(v)).length;
    assert.ok(holes >= 4 * n * 0.9, `gdalwarp left ${holes} NaN pixels for ${n} nodata pixels`);
    await withRaster([folder], async (r) => {
      assert.deepEqual(r.info.bandNames, ['B02', 'B04', 'B05']);
      assert.ok(Number.isNaN(r.info.nodata), 'NaN is the set\'s nodata');
      for (const win of [{ x: 0, y: 0, width: r.info.width, height: r.info.height }, { x: 90, y: 41, width: 77, height: 129 }]) {
        const [band] = await r.readWindow(win, { bands: [3] });
        const m = mismatches(band, win, ref, Number.NaN);
        assert.deepEqual([m.values, m.nodata], [0, 0], `window ${JSON.stringify(win)}: first ${m.first}`);
      }
    });
  });
});
