/**
 * The augmentation views of the encoder (main/encoder/tile-view.ts): each view is the
 * mirror or quarter turn it says on a small known tile, and an "encoder" that pools patches
 * (as a ViT's patch grid does) gives, once its output is turned back, exactly the output on
 * the unturned tile: a view maps the patch grid onto itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TILE_VIEWS, type TileView } from '../../main/encoder/index.ts';
import { unviewOutput, viewTile } from '../../main/encoder/tile-view.ts';

const grid = (rows: number[][]) => Float32Array.from(rows.flat());

test('hflip, vflip and rot90 (anticlockwise) of a 2 x 3 / 2 x 2 tile', () => {
  const x = grid([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([...viewTile(x, 1, 2, 3, 'hflip')], [3, 2, 1, 6, 5, 4]);
  assert.deepEqual([...viewTile(x, 1, 2, 3, 'vflip')], [4, 5, 6, 1, 2, 3]);
  assert.deepEqual([...viewTile(grid([[1, 2], [3, 4]]), 1, 2, 2, 'rot90')], [2, 4, 1, 3]);
  assert.throws(() => viewTile(x, 1, 2, 3, 'rot90'), /square tiles only \(this tile is 3 x 2\)/);
});

/** Mean of each s x s patch, per channel: the output grid a strided encoder has. */
function poolPatches(x: Float32Array, C: number, H: number, W: number, s: number): Float32Array {
  const [h, w] = [H / s, W / s];
  const y = new Float32Array(C * h * w);
  for (let k = 0; k < C; k++) for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) y[k * h * w + Math.floor(r / s) * w + Math.floor(c / s)] += x[k * H * W + r * W + c] / (s * s);
  return y;
}

test('every view: the turned-back output of a patch-pooling encoder equals its output on the tile itself', () => {
  const [C, T, s] = [3, 8, 4];
  const x = Float32Array.from({ length: C * T * T }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  const plain = poolPatches(x, C, T, T, s);
  for (const view of TILE_VIEWS as TileView[]) {
    const seen = poolPatches(viewTile(x, C, T, T, view), C, T, T, s);
    assert.notDeepEqual([...seen], [...plain], `${view} changes what the encoder sees`);
    const back = unviewOutput(seen, C, T / s, T / s, view);
    back.forEach((v, i) => assert.ok(Math.abs(v - plain[i]) < 1e-6, `${view}: output ${i} ${v} vs ${plain[i]}`));
  }
});
