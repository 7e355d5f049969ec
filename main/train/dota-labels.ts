/**
 * DOTA's labelTxt files: one object per line, `x1 y1 x2 y2 x3 y3 x4 y4 class difficult`, in
 * pixel coordinates of the image (no georeferencing needed), after optional header lines
 * `imagesource:...` and `gsd:...`. The four corners run around the object; difficult is 1
 * (some files also write 2) for objects DOTA's own evaluation leaves out (neither found nor
 * missed).
 */
import { readFile } from 'node:fs/promises';
import { ApiError } from '../api.ts';
import type { Point } from '../heads/index.ts';

export interface DotaObject {
  corners: Point[];
  className: string;
  difficult: boolean;
  /** 1-based line number, for messages. */
  line: number;
}

export async function readDota(path: string): Promise<DotaObject[]> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ApiError(err.code === 'ENOENT' ? 'E_NOT_FOUND' : 'E_BAD_REQUEST', `${path}: ${err.code === 'ENOENT' ? 'not found' : err.message}`, path);
  });
  const out: DotaObject[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || /^(imagesource|gsd)\s*:/i.test(line)) return;
    const parts = line.split(/\s+/);
    const nums = parts.slice(0, 8).map(Number);
    if (parts.length < 9 || parts.length > 10 || !nums.every(Number.isFinite) || (parts[9] !== undefined && !/^\d+$/.test(parts[9]))) {
      throw new ApiError('E_BAD_REQUEST', `${path}: line ${i + 1}: "${line}" is not "x1 y1 x2 y2 x3 y3 x4 y4 class [difficult]" (a DOTA labelTxt line)`, path);
    }
    const corners: Point[] = [0, 1, 2, 3].map((k) => [nums[2 * k], nums[2 * k + 1]]);
    out.push({ corners, className: parts[8], difficult: parts[9] !== undefined && Number(parts[9]) > 0, line: i + 1 });
  });
  return out;
}
