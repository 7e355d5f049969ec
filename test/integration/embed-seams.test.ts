/**
 * Seams with the real model. The S2 ViT attends over its whole tile, so a pixel's features
 * depend on which tile computed it: that is the model's own tile-context effect, and no
 * blending removes it. What the tiler must guarantee is that tiling adds nothing beyond it:
 *   - the scene run as ONE tile is the reference (R);
 *   - the model's own tile-edge effect at the tile size is measured here: four 64 px windows
 *     of the same ground run alone (W), their cells at least the margin (8 px) from their
 *     edges compared with R: what a 64 px context changes against the whole scene's context;
 *   - the tiled run (T: 64 px tiles, 16 px overlap, the shipped defaults) must differ from R
 *     by no more than that effect over the scene's interior (mean |T - R| <= 1.5 x mean |W - R|);
 *   - no seams: at the columns/rows where T switches from one tile to the next, the jump
 *     between neighbouring feature cells must look like the jumps elsewhere (mean jump across
 *     switch lines <= 2 x the mean jump between other neighbours).
 * Real data: a 144 x 144 10-band crop of OSCD Pisa; shipped SkySense-Tiny; outputs read by GDAL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import { planTiles } from '../../main/tiler/index.ts';
import { dataPath, gdalWindow, REPO_ROOT } from '../helpers/gdal.ts';

const MODEL = join(REPO_ROOT, 'models/skysense-tiny');
const BANDS = ['B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B8A', 'B11', 'B12'];
const SIZE = 144;
const WINDOWS: [number, number][] = [[16, 16], [64, 24], [24, 64], [72, 72]];
const STRIDE = 4;

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skysense-seams-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

function crop(x0: number, y0: number, w: number, h: number, name: string): string {
  const vrt = join(tmp, 'stack.vrt');
  execFileSync('gdalbuildvrt', ['-q', '-overwrite', '-separate', '-resolution', 'highest', vrt, ...BANDS.map((b) => dataPath(`oscd/pisa/imgs_1/${b}.tif`))]);
  const out = join(tmp, name);
  execFileSync('gdal_translate', ['-q', '-srcwin', String(x0), String(y0), String(w), String(h), vrt, out]);
  return out;
}

async function embed(input: string, out: string, tile: number, overlap: number): Promise<number[][]> {
  await runEmbed({ model: MODEL, inputs: [input], out, modality: 's2', bands: BANDS.map((_, i) => i + 1), providers: 'cpu', tile, overlap });
  return gdalWindow(out);
}

test('tiled embed differs from one tile by no more than the model\'s own tile-context effect, and shows no seams', async () => {
  const whole = crop(200, 200, SIZE, SIZE, 'whole.tif');
  const R = await embed(whole, join(tmp, 'r.tif'), SIZE, 0);
  const T = await embed(whole, join(tmp, 't.tif'), 64, 16);
  const n = SIZE / STRIDE;
  const C = R.length;
  assert.equal(T.length, C);

  // The model's own effect: W cell (x, y) is R cell (x + ox, y + oy); cells within the margin of W's edges are left out.
  const wn = 64 / STRIDE;
  const m = 8 / STRIDE;
  let ctx = 0;
  let ctxN = 0;
  for (const [k, [wx, wy]] of WINDOWS.entries()) {
    const W = await embed(crop(200 + wx, 200 + wy, 64, 64, `w${k}.tif`), join(tmp, `w${k}-out.tif`), 64, 0);
    const [ox, oy] = [wx / STRIDE, wy / STRIDE];
    for (let y = m; y < wn - m; y++) {
      for (let x = m; x < wn - m; x++) {
        for (let c = 0; c < C; c++) ctx += Math.abs(W[c][y * wn + x] - R[c][(y + oy) * n + (x + ox)]);
        ctxN += C;
      }
    }
  }
  const ctxMean = ctx / ctxN;
  // The scene's interior: its outer margin has no neighbour tile in either run.
  let diff = 0;
  let diffN = 0;
  for (let y = m; y < n - m; y++) {
    for (let x = m; x < n - m; x++) {
      for (let c = 0; c < C; c++) diff += Math.abs(T[c][y * n + x] - R[c][y * n + x]);
      diffN += C;
    }
  }
  const diffMean = diff / diffN;
  console.log(`mean |tiled - one tile| ${diffMean.toExponential(3)}; model's own tile-context effect ${ctxMean.toExponential(3)}`);
  assert.ok(ctxMean > 0, 'a 64 px window must differ a little from the whole scene (the ViT sees less context)');
  assert.ok(diffMean <= 1.5 * ctxMean, `tiling adds more than the model's own effect: ${diffMean} vs ${ctxMean}`);

  // Where T switches tiles: with the margin (half the overlap) the switch lies at the middle of each overlap.
  const plan = planTiles({ width: SIZE, height: SIZE, tileWidth: 64, tileHeight: 64, overlapX: 16, overlapY: 16, stride: STRIDE });
  const switches = new Set<number>();
  for (let k = 1; k < plan.xs.length; k++) switches.add((plan.xs[k] + 8) / STRIDE);
  assert.ok(switches.size >= 2, `expected interior tile boundaries, got ${[...switches]}`);
  let across = 0;
  let acrossN = 0;
  let inside = 0;
  let insideN = 0;
  for (let y = 0; y < n; y++) {
    for (let x = 1; x < n; x++) {
      let jump = 0;
      for (let c = 0; c < C; c++) jump += Math.abs(T[c][y * n + x] - T[c][y * n + x - 1]);
      if (switches.has(x)) {
        across += jump;
        acrossN++;
      } else {
        inside += jump;
        insideN++;
      }
    }
  }
  const ratio = across / acrossN / (inside / insideN);
  console.log(`mean jump across tile switches / elsewhere: ${ratio.toFixed(2)}`);
  assert.ok(ratio <= 2, `seams: jumps across tile switches are ${ratio.toFixed(2)}x the others`);
});
