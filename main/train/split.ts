/**
 * Which labelled cells train the head and which validate it. The split is by spatial blocks
 * of `block` x `block` cells, each block wholly in one side, so no validation cell has a
 * training neighbour that shares most of its encoder context (a per-cell split would measure
 * memory of the scene, not generalisation). Blocks go to validation by a seeded draw until
 * about `valFraction` of the labelled cells are there, and each side is then balanced: at
 * most `perClass` cells of each class, drawn uniformly with the same seed.
 */
import { ApiError } from '../api.ts';
import { seededRandom } from '../tasks/index.ts';
import type { CellLabels } from './label-raster.ts';

export interface SplitOptions {
  /** Block side in cells (default 8). */
  block?: number;
  /** Share of labelled cells for validation (default 0.2). */
  valFraction?: number;
  /** Cells kept per class and side, at most (default 50 000). */
  perClass?: number;
  seed?: number;
}

export interface Split {
  /** Cell indices (row-major on the label grid), in a seeded order. */
  train: Int32Array;
  val: Int32Array;
  /** Labelled cells per class on each side, before balancing. */
  trainCounts: number[];
  valCounts: number[];
}

function balanced(cells: number[], labels: Int16Array, k: number, perClass: number, rand: () => number): Int32Array {
  const byClass: number[][] = Array.from({ length: k }, () => []);
  for (const c of cells) byClass[labels[c]].push(c);
  const out: number[] = [];
  for (const list of byClass) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    out.push(...list.slice(0, perClass));
  }
  return Int32Array.from(out.sort((a, b) => a - b));
}

export function splitCells(l: CellLabels, classes: readonly string[], o: SplitOptions = {}): Split {
  return splitScenes([l], classes, o)[0];
}

/**
 * The split of several scenes at once: their blocks are drawn together, so that scenes of one
 * block each (a dataset of small chips or patches) still give a validation side of about
 * `valFraction` rather than each its only block.
 */
export function splitScenes(ls: readonly CellLabels[], classes: readonly string[], o: SplitOptions = {}): Split[] {
  const block = o.block ?? 8;
  const valFraction = o.valFraction ?? 0.2;
  const perClass = o.perClass ?? 50_000;
  const rand = seededRandom((o.seed ?? 0) + 1);
  const inBlock: { scene: number; cells: number[] }[] = [];
  for (const [scene, l] of ls.entries()) {
    const bw = Math.ceil(l.width / block);
    const bh = Math.ceil(l.height / block);
    const first = inBlock.length;
    for (let b = 0; b < bw * bh; b++) inBlock.push({ scene, cells: [] });
    for (let r = 0; r < l.height; r++) {
      for (let c = 0; c < l.width; c++) {
        const i = r * l.width + c;
        if (l.labels[i] >= 0) inBlock[first + Math.floor(r / block) * bw + Math.floor(c / block)].cells.push(i);
      }
    }
  }
  const total = inBlock.reduce((s, b) => s + b.cells.length, 0);
  const blocks = inBlock.map((_, i) => i).filter((i) => inBlock[i].cells.length > 0);
  for (let i = blocks.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [blocks[i], blocks[j]] = [blocks[j], blocks[i]];
  }
  const val: number[][] = ls.map(() => []);
  const train: number[][] = ls.map(() => []);
  let inVal = 0;
  for (const b of blocks) {
    const { scene, cells } = inBlock[b];
    if (inVal < valFraction * total) {
      val[scene].push(...cells);
      inVal += cells.length;
    } else train[scene].push(...cells);
  }
  return ls.map((l, scene) => {
    const count = (cells: number[]) => {
      const n = new Array<number>(classes.length).fill(0);
      for (const c of cells) n[l.labels[c]]++;
      return n;
    };
    const trainCounts = count(train[scene]);
    const valCounts = count(val[scene]);
    return { train: balanced(train[scene], l.labels, classes.length, perClass, rand), val: balanced(val[scene], l.labels, classes.length, perClass, rand), trainCounts, valCounts };
  });
}

/** Refuses labels a head cannot learn from: fewer than two classes, or a class absent from the training side. */
export function checkSplit(labelled: readonly number[], trainCounts: readonly number[], classes: readonly string[], where: string): void {
  const present = classes.filter((_, k) => labelled[k] > 0);
  if (present.length < 2) throw new ApiError('E_BAD_REQUEST', `${where}: the labels hold ${present.length === 1 ? `one class only ("${present[0]}")` : 'no labelled cell'}; a head needs at least two classes`, where);
  classes.forEach((name, k) => {
    if (labelled[k] > 0 && trainCounts[k] === 0) throw new ApiError('E_BAD_REQUEST', `${where}: class "${name}": all ${labelled[k]} labelled cells fell into the validation blocks; label more of it, or use smaller blocks`, where);
  });
}
