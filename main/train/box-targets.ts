/**
 * Per-cell targets of a dense detect head. The cell of the encoder's grid that holds a box's
 * centre is positive for the box's class; every other cell is background (class 0). A
 * positive cell regresses its box as t = (dx / s, dy / s, log(w / s), log(h / s)[, angle]),
 * s the stride: offsets from the cell centre in cells and log sizes keep the targets near
 * unit scale whatever the object size, so one L1 loss weighs them alike. decodeTargets is the
 * exact inverse, and the exported graph computes it (detect-export.ts), so the head's
 * "boxes" output is in input pixels as main/heads/detect-decode.ts reads it.
 */
import type { CellLabels } from './label-raster.ts';
import type { GroundBox } from './box-labels.ts';

export interface BoxTargets extends CellLabels {
  /** Box channels: 4 (dx, dy, w, h) or 5 (+ angle). */
  channels: number;
  /** cells x channels; meaningful on positive cells only. */
  targets: Float32Array;
  /** Boxes whose centre fell in a cell another box had already taken (the later one kept). */
  conflicts: number;
}

export function encodeBox(b: Pick<GroundBox, 'cx' | 'cy' | 'w' | 'h' | 'angle'>, col: number, row: number, stride: number, channels: number): number[] {
  const t = [(b.cx - (col + 0.5) * stride) / stride, (b.cy - (row + 0.5) * stride) / stride, Math.log(b.w / stride), Math.log(b.h / stride)];
  if (channels === 5) t.push(b.angle);
  return t;
}

/** t (one cell's channels) -> (dx, dy, w, h[, angle]) in input pixels from the cell centre. */
export function decodeTargets(t: ArrayLike<number>, stride: number, channels: number): number[] {
  const out = [t[0] * stride, t[1] * stride, Math.exp(t[2]) * stride, Math.exp(t[3]) * stride];
  if (channels === 5) out.push(t[4]);
  return out;
}

/** Targets on a width x height grid of stride-px cells; classes are the head's (0 = background). */
export function boxTargets(boxes: readonly GroundBox[], width: number, height: number, stride: number, classes: number, oriented: boolean): BoxTargets {
  const channels = oriented ? 5 : 4;
  const labels = new Int16Array(width * height);
  const targets = new Float32Array(width * height * channels);
  let conflicts = 0;
  for (const b of boxes) {
    const col = Math.floor(b.cx / stride);
    const row = Math.floor(b.cy / stride);
    if (col < 0 || row < 0 || col >= width || row >= height) continue;
    const i = row * width + col;
    if (labels[i] > 0) conflicts++;
    labels[i] = b.cls;
    targets.set(encodeBox(b, col, row, stride, channels), i * channels);
  }
  const counts = new Array<number>(classes).fill(0);
  for (const v of labels) counts[v]++;
  return { width, height, stride, labels, counts, note: conflicts ? `${conflicts} box(es) shared a centre cell with another; the later one was kept` : null, channels, targets, conflicts };
}
