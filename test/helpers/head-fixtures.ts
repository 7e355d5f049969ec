/**
 * Shared fixtures of the head-task tests: a tiny random-init model with the S1 encoder, a
 * real Sen1Floods11 S1 crop (gdal_translate into a temp dir), the embed task's features of
 * it as the independent oracle, and small numeric helpers.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEmbed } from '../../main/tasks/embed/embed.ts';
import { dataPath, gdalinfo, gdalTranslate, gdalWindow, type GdalInfo } from './gdal.ts';
import { makeTinyModel } from './skysense-cli.ts';

export const S1_CHIP = dataPath('s1s2/sen1floods11/sample/S1/Spain_7370579_S1Hand.tif');
export const S2_CHIP = dataPath('s1s2/sen1floods11/sample/S2/Spain_7370579_S2Hand.tif');

export interface S1Fixture {
  tmp: string;
  model: string;
  modelName: string;
  /** The real S1 crop the tests run on. */
  scene: string;
  /** embed's features of `scene` (tile 64, overlap 16: the head tasks' default tiling). */
  features: number[][];
  featureInfo: GdalInfo;
}

/** `crop` = gdal_translate -srcwin of the Sen1Floods11 S1 chip (full chip when absent). */
export async function s1Fixture(prefix: string, crop?: [number, number, number, number]): Promise<S1Fixture> {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const model = join(tmp, 'model');
  makeTinyModel(model, ['s1_encoder']);
  const scene = join(tmp, 'S1.tif');
  gdalTranslate([...(crop ? ['-srcwin', ...crop.map(String)] : []), S1_CHIP, scene]);
  const featPath = join(tmp, 'features.tif');
  await runEmbed({ model, inputs: [scene], out: featPath, providers: 'cpu' });
  const modelName = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')).name as string;
  return { tmp, model, modelName, scene, features: gdalWindow(featPath), featureInfo: gdalinfo(featPath) };
}

/** The channel whose sign splits the feature cells most evenly (so a sign head sees both classes). */
export function balancedChannel(features: number[][], skip: number[] = []): number {
  let best = -1;
  let bestScore = -1;
  features.forEach((band, c) => {
    if (skip.includes(c)) return;
    const pos = band.filter((v) => v > 0).length / band.length;
    const score = Math.min(pos, 1 - pos);
    if (score > bestScore) {
      bestScore = score;
      best = c;
    }
  });
  return best;
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function argmax(xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
