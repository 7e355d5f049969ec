/**
 * Blending, checked on a real scene with a model that has an edge effect: a 5 x 5 box
 * filter (reach r = 2) whose window is cut at the tile border. The scene run as ONE tile
 * is the reference; the same scene run as tiles must differ from it only where the
 * tiles' edge effect reaches:
 *   - overlap 0: differences only within r pixels of interior tile edges, none elsewhere;
 *   - overlap 4 with margin 2 (edge pixels dropped, not blended): identical everywhere;
 *   - overlap 16, cosine ramp, no margin: every difference is at most 2 x (the ramp weight
 *     r - 1 pixels from an edge) x (the largest value range in any 5 x 5 window of the
 *     scene), since a cut window's mean stays within its full window's range and at most
 *     two tile edges meet at a pixel; the measured maximum is printed beside the bound.
 * Output values are read back by GDAL (gdal_translate to raw ENVI), not by our reader.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRaster } from '../../main/raster/index.ts';
import { runTiled, type TilePlan } from '../../main/tiler/index.ts';
import { dataPath, gdalWindow } from '../helpers/gdal.ts';
import { boxFilter } from './tiler-filters.ts';

const R = 2;
const SRC = dataPath('samples/L7_ETMs.tif');
let tmp = '';
let reference: number[][] = [];
/** Largest max - min over any (2R+1)^2 window of any band of the source. */
let localRange = 0;
let W = 0;
let H = 0;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-tiler-blend-'));
  const raster = await openRaster([SRC]);
  W = raster.info.width;
  H = raster.info.height;
  await raster.close();
  await run('one', [W, H], 0, 0);
  reference = gdalWindow(join(tmp, 'one.tif'));
  for (const band of gdalWindow(SRC)) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let v = Math.max(0, y - R); v <= Math.min(H - 1, y + R); v++) {
          for (let u = Math.max(0, x - R); u <= Math.min(W - 1, x + R); u++) {
            lo = Math.min(lo, band[v * W + u]);
            hi = Math.max(hi, band[v * W + u]);
          }
        }
        localRange = Math.max(localRange, hi - lo);
      }
    }
  }
});
after(() => rmSync(tmp, { recursive: true, force: true }));

async function run(name: string, tile: number | [number, number], overlap: number, margin: number): Promise<TilePlan> {
  const raster = await openRaster([SRC]);
  try {
    const res = await runTiled({ raster, tile, overlap, margin, batch: 4, infer: boxFilter(R), outChannels: 6, outDataType: 'Float32', outPath: join(tmp, `${name}.tif`) });
    return res.plan;
  } finally {
    await raster.close();
  }
}

/** Distance (px) from (x, y) to the nearest interior tile edge: one that is not the raster's edge. */
function edgeDistance(plan: TilePlan, x: number, y: number): number {
  let d = Infinity;
  for (const x0 of plan.xs) {
    for (const e of [x0, x0 + plan.tileWidth]) if (e > 0 && e < W) d = Math.min(d, e <= x ? x - e : e - 1 - x);
  }
  for (const y0 of plan.ys) {
    for (const e of [y0, y0 + plan.tileHeight]) if (e > 0 && e < H) d = Math.min(d, e <= y ? y - e : e - 1 - y);
  }
  return d;
}

function diffs(name: string): { max: number; at: (i: number) => number } {
  const out = gdalWindow(join(tmp, `${name}.tif`));
  let max = 0;
  const per = new Float64Array(W * H);
  out.forEach((band, b) => {
    for (let i = 0; i < band.length; i++) {
      const d = Math.abs(band[i] - reference[b][i]);
      per[i] = Math.max(per[i], d);
      max = Math.max(max, d);
    }
  });
  return { max, at: (i) => per[i] };
}

describe('blending of overlapping tiles (box filter 5 x 5, Landsat 7)', () => {
  test('overlap 0: differences only within the filter reach of interior tile edges', async () => {
    const plan = await run('ov0', [96, 80], 0, 0);
    const d = diffs('ov0');
    let inside = 0;
    let outsideMax = 0;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const e = d.at(y * W + x);
        // Seams of abutting tiles: a pixel is near an edge if it is within R of any tile's border.
        if (nearSeam(plan, x, y)) inside = Math.max(inside, e);
        else outsideMax = Math.max(outsideMax, e);
      }
    }
    assert.equal(outsideMax, 0, 'no difference away from tile edges');
    assert.ok(inside > 1, `the edge effect is there (max ${inside})`);
    assert.ok(inside <= localRange, `a cut window's mean stays within its window's range (${inside} <= ${localRange})`);
  });

  test('overlap 4, margin 2: identical to the one-tile run', async () => {
    await run('ov4m2', [96, 80], 4, 2);
    assert.equal(diffs('ov4m2').max, 0);
  });

  test('overlap 16, cosine ramp: differences bounded by the ramp weight at the reach', async () => {
    const plan = await run('ov16', 64, 16, 0);
    const d = diffs('ov16');
    // A pixel t px from a tile edge (t < R) carries at most that tile's ramp weight
    // sin^2(pi/2 (t + 0.5) / L), L >= 16 the overlap; two edges can meet at a corner.
    const bound = 2 * localRange * Math.sin((Math.PI / 2) * ((R - 1 + 0.5) / 16)) ** 2;
    console.log(`box 5x5, overlap 16: max difference ${d.max.toFixed(4)}, bound ${bound.toFixed(4)} (local range ${localRange})`);
    assert.ok(d.max > 0, 'the ramp blends edge pixels in (nonzero difference)');
    assert.ok(d.max <= bound + 1e-3, `max difference ${d.max} within ${bound}`);
    let far = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (edgeDistance(plan, x, y) >= R) far = Math.max(far, d.at(y * W + x));
    assert.equal(far, 0, 'no difference beyond the reach of any tile edge');
  });
});

/** Within R px of a border shared by two abutting tiles (overlap 0). */
function nearSeam(plan: TilePlan, x: number, y: number): boolean {
  return edgeDistance(plan, x, y) < R;
}
