/**
 * The tile plan and blending window on their own, over many raster/tile/overlap/stride
 * combinations (including the sizes of the real scenes used elsewhere): every tile is
 * full-size and inside the raster when the raster is at least a tile, on the stride's
 * grid, neighbours overlap by at least what was asked, every output pixel is covered
 * with a positive total weight (exactly 1 when at most two tiles meet on an axis),
 * and shards own disjoint output rows that cover the grid.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planTiles, parseShard, type TilePlan } from '../../main/tiler/index.ts';
import { blendWindows } from '../../main/tiler/blend-weights.ts';

const SIZES: [number, number][] = [[349, 352], [557, 858], [111, 111], [1000, 37], [10980, 10980]];
const GRIDS = [
  { tile: [128, 128], overlap: [0, 0], stride: 1 },
  { tile: [100, 77], overlap: [20, 13], stride: 1 },
  { tile: [96, 96], overlap: [60, 60], stride: 1 },
  { tile: [512, 512], overlap: [64, 64], stride: 32 },
  { tile: [64, 64], overlap: [16, 16], stride: 4 },
];

function plan(W: number, H: number, g: (typeof GRIDS)[number]): TilePlan {
  return planTiles({ width: W, height: H, tileWidth: g.tile[0], tileHeight: g.tile[1], overlapX: g.overlap[0], overlapY: g.overlap[1], stride: g.stride });
}

function checkAxis(pos: number[], size: number, tile: number, overlap: number, stride: number): void {
  const outSize = Math.ceil(size / stride);
  if (size < tile) {
    assert.deepEqual(pos, [0], 'one tile when the raster is smaller');
    return;
  }
  assert.equal(pos[0], 0);
  for (let i = 0; i < pos.length; i++) {
    assert.equal(pos[i] % stride, 0, 'on the stride grid');
    assert.ok(pos[i] + tile <= outSize * stride, 'within the (stride-rounded) raster');
    if (i > 0) {
      assert.ok(pos[i] > pos[i - 1], 'increasing');
      assert.ok(pos[i - 1] + tile - pos[i] >= overlap, `overlap ${pos[i - 1] + tile - pos[i]} >= ${overlap}`);
    }
  }
  assert.equal(pos.at(-1)! + tile, outSize * stride, 'the last tile ends at the edge');
}

describe('tile plan', () => {
  for (const [W, H] of SIZES) {
    for (const g of GRIDS) {
      test(`${W} x ${H}, tile ${g.tile}, overlap ${g.overlap}, stride ${g.stride}`, () => {
        const p = plan(W, H, g);
        checkAxis(p.xs, W, g.tile[0], g.overlap[0], g.stride);
        checkAxis(p.ys, H, g.tile[1], g.overlap[1], g.stride);
        assert.equal(p.outWidth, Math.ceil(W / g.stride));
        assert.equal(p.outHeight, Math.ceil(H / g.stride));
        // Blend weights summed over every tile, on the output grid (skip the 10980 scene's
        // full raster: its axes are checked one at a time, which is what the window is).
        const tw = g.tile[0] / g.stride;
        const th = g.tile[1] / g.stride;
        const xsOut = p.xs.map((x) => x / g.stride);
        const ysOut = p.ys.map((y) => y / g.stride);
        const win = blendWindows(xsOut, ysOut, tw, th, 0);
        for (const [pos, w, n, len] of [[xsOut, win.cols, p.outWidth, tw], [ysOut, win.rows, p.outHeight, th]] as const) {
          const sum = new Float64Array(n);
          pos.forEach((x0, i) => {
            for (let t = 0; t < len && x0 + t < n; t++) sum[x0 + t] += w[i][t];
          });
          const triple = pos.some((x0, i) => i >= 2 && pos[i - 2] + len > x0);
          for (let k = 0; k < n; k++) {
            assert.ok(sum[k] > 0, `weight at ${k} is positive`);
            if (!triple) assert.ok(Math.abs(sum[k] - 1) < 1e-6, `weights sum to 1 at ${k} (${sum[k]})`);
          }
        }
      });
    }
  }

  test('shards own disjoint output rows covering the grid, and run every tile touching them', () => {
    const g = { tile: [100, 77], overlap: [20, 13], stride: 1 };
    const full = plan(557, 858, g);
    for (const N of [1, 2, 3, 5, full.ys.length]) {
      let next = 0;
      for (let i = 1; i <= N; i++) {
        const s = planTiles({ width: 557, height: 858, tileWidth: 100, tileHeight: 77, overlapX: 20, overlapY: 13, stride: 1 }, parseShard(`${i}/${N}`));
        assert.equal(s.outRowFrom, next, `shard ${i}/${N} starts where the previous ended`);
        assert.ok(s.outRowTo > s.outRowFrom);
        next = s.outRowTo;
        full.ys.forEach((y, r) => {
          const touches = y < s.outRowTo && y + 77 > s.outRowFrom;
          assert.equal(r >= s.rowFrom && r < s.rowTo, touches, `tile row ${r} for shard ${i}/${N}`);
        });
      }
      assert.equal(next, full.outHeight);
    }
    assert.throws(() => parseShard('0/3'), /between 1 and N/);
    assert.throws(() => parseShard('2-3'), /not of the form I\/N/);
  });

  test('bad grids are refused with a message naming the problem', () => {
    assert.throws(() => plan(100, 100, { tile: [64, 64], overlap: [64, 64], stride: 1 }), /leaves no step/);
    assert.throws(() => plan(100, 100, { tile: [0, 64], overlap: [0, 0], stride: 1 }), /tile width/);
    assert.throws(() => plan(100, 100, { tile: [60, 60], overlap: [0, 0], stride: 32 }), /multiple of the model's stride/);
  });
});
