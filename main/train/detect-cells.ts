/**
 * Which cells of a detect scene train and validate, from the spatial-block split
 * (split.ts, as for segment heads): the training side keeps every positive cell and at most
 * NEGATIVES_PER_POSITIVE background cells per positive (drawn with the seed), since a scene
 * has thousands of empty cells per object and the class weights already balance the loss;
 * the validation side keeps its balanced cells for the score metrics, and its whole blocks
 * for mAP50, where every cell must answer as the detect task's would.
 */
import { seededRandom } from '../tasks/index.ts';
import type { BoxTargets } from './box-targets.ts';
import type { Split } from './split.ts';

export const NEGATIVES_PER_POSITIVE = 20;

export interface DetectCells {
  train: Int32Array;
  val: Int32Array;
  /** Every cell of the validation blocks, ascending. */
  valBlocks: Int32Array;
}

export function detectCells(t: BoxTargets, split: Split, block: number, seed: number): DetectCells {
  const rand = seededRandom(seed + 3);
  const pos: number[] = [];
  const neg: number[] = [];
  for (const c of split.train) (t.labels[c] > 0 ? pos : neg).push(c);
  for (let i = neg.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [neg[i], neg[j]] = [neg[j], neg[i]];
  }
  const train = Int32Array.from([...pos, ...neg.slice(0, Math.max(1, pos.length) * NEGATIVES_PER_POSITIVE)].sort((a, b) => a - b));
  // Blocks lie wholly on one side, so a block with a validation cell is a validation block.
  const bw = Math.ceil(t.width / block);
  const blockOf = (c: number) => Math.floor(Math.floor(c / t.width) / block) * bw + Math.floor((c % t.width) / block);
  const blocks = new Set<number>();
  for (const c of split.val) blocks.add(blockOf(c));
  const valBlocks: number[] = [];
  for (let c = 0; c < t.width * t.height; c++) if (blocks.has(blockOf(c))) valBlocks.push(c);
  return { train, val: split.val, valBlocks: Int32Array.from(valBlocks) };
}
