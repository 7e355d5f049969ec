/**
 * Training checkpoints, so that `skysense train --resume` continues a run that crashed or was
 * cancelled and ends on the same bytes as a run never stopped: everything the loop carries
 * from one epoch to the next (weights, Adam moments, step, epoch, the RNG's state and the batch
 * order it shuffles in place, the best weights, epoch and score, the last loss).
 *
 * They live in the cache folder (checkpoints/), not beside the head: the head's folder is often
 * in a model search folder the engine lists, the cache is the app's own writable space that
 * already holds the features the run reads, and the file is named by the head it is for, so
 * one head has one checkpoint. A key over the options and the data (features and labels)
 * is stored inside: a checkpoint from other options or data is never used. Written whole
 * under a temporary name and renamed, so a crash while writing leaves the previous epoch's.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { partPath } from '../raster/index.ts';

export interface ParamState {
  value: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

export interface CheckpointState {
  /** The run's options-and-data key (checkpointKey). */
  key: string;
  epoch: number;
  step: number;
  rng: number;
  order: Int32Array;
  params: ParamState[];
  best: number;
  bestEpoch: number;
  bestWeights: Float32Array[];
  finalLoss: number;
}

/** The checkpoint of the head folder `out`. */
export function checkpointPath(cacheDir: string, out: string): string {
  return join(cacheDir, 'checkpoints', `${createHash('sha256').update(resolve(out)).digest('hex').slice(0, 32)}.json`);
}

/** A key over the options that shape training and the bytes of the data it sees. */
export function checkpointKey(options: unknown, data: ArrayBufferView[]): string {
  const h = createHash('sha256').update(JSON.stringify(options));
  for (const a of data) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

const b64 = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
function f32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
function i32(s: string): Int32Array {
  const b = Buffer.from(s, 'base64');
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export async function saveCheckpoint(path: string, s: CheckpointState): Promise<void> {
  const doc = {
    v: 1,
    key: s.key,
    epoch: s.epoch,
    step: s.step,
    rng: s.rng,
    order: b64(s.order),
    params: s.params.map((p) => ({ value: b64(p.value), m: b64(p.m), v: b64(p.v) })),
    best: s.best,
    bestEpoch: s.bestEpoch,
    bestWeights: s.bestWeights.map(b64),
    finalLoss: s.finalLoss,
  };
  await mkdir(dirname(path), { recursive: true });
  const tmp = partPath(path);
  try {
    await writeFile(tmp, JSON.stringify(doc));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** The checkpoint at `path`: null when there is none, 'other' when it is another run's (or unreadable). */
export async function loadCheckpoint(path: string, key: string): Promise<CheckpointState | null | 'other'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const d = JSON.parse(text) as Record<string, unknown> & { params: { value: string; m: string; v: string }[]; bestWeights: string[] };
    if (d.v !== 1 || d.key !== key) return 'other';
    return {
      key,
      epoch: Number(d.epoch),
      step: Number(d.step),
      rng: Number(d.rng),
      order: i32(String(d.order)),
      params: d.params.map((p) => ({ value: f32(p.value), m: f32(p.m), v: f32(p.v) })),
      best: Number(d.best),
      bestEpoch: Number(d.bestEpoch),
      bestWeights: d.bestWeights.map(f32),
      finalLoss: Number(d.finalLoss),
    };
  } catch {
    return 'other';
  }
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}
