/**
 * `skysense eval` of a detect head: the head runs through the engine's detect task
 * (runDetect, tiles, decoding, NMS) on each labelled scene with a low score threshold (AP
 * ranks every box; 0.05 unless given), its GeoPackage is read back, and those boxes are
 * scored against the labelled ones: mAP50 (detect-metrics.ts), and the score-classification
 * metrics on the head's grid, where a cell is an object's when it holds the centre of a box
 * at the head's own threshold (what `skysense run` writes), else background.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../api.ts';
import type { HeadManifest } from '../model/index.ts';
import { rasterInfo } from '../raster/index.ts';
import { runDetect } from '../tasks/index.ts';
import { readBoxLabels, type GroundBox } from './box-labels.ts';
import { boxTargets } from './box-targets.ts';
import { meanAP, type DetectMetrics } from './detect-metrics.ts';
import { Confusion, type Metrics } from './metrics.ts';
import type { Scene } from './scenes.ts';

export interface DetectEvalOptions {
  head: string;
  model?: string;
  classField?: string;
  labelsLayer?: string;
  /** Score threshold of the run (default 0.05). */
  threshold?: number;
  providers?: string;
  signal?: AbortSignal;
}

export interface DetectEvalReport extends Metrics, DetectMetrics {
  head: string;
  scenes: { inputs: string[]; labels: string; cells: number; noPrediction: number; boxes: number; detections: number }[];
}

export async function evalDetectHead(o: DetectEvalOptions, head: { manifest: HeadManifest; manifestPath: string }, scenes: Scene[]): Promise<DetectEvalReport> {
  const m = head.manifest;
  if (m.activation !== 'softmax' || m.classes[0]?.value !== 0) throw new ApiError('E_UNSUPPORTED', `${head.manifestPath}: eval scores softmax detect heads whose class 0 is the background (as skysense train writes them)`, head.manifestPath);
  const objects = m.classes.slice(1).map((c) => c.name);
  const boxesOut = m.outputs.find((t) => t.name === 'boxes')!;
  const oriented = boxesOut.shape[1] === 5;
  const stride = boxesOut.stride ?? 1;
  const keep = m.threshold ?? 0.5;
  // Labels first, for every scene: a bad label file fails before any model runs.
  const labelled: { s: Scene; truth: GroundBox[] }[] = [];
  for (const s of scenes) {
    if (s.series || s.dates.length !== 1) throw new ApiError('E_BAD_REQUEST', `${s.where}: a detect head reads one raster per scene`, s.labels);
    const info = await rasterInfo(s.dates[0]);
    labelled.push({ s, truth: (await readBoxLabels(s.labels, info, { classes: objects, oriented, classField: o.classField, labelValues: s.labelValues, layer: o.labelsLayer })).boxes });
  }
  const cm = new Confusion(m.classes.map((c) => c.name));
  const scored: { detections: GroundBox[]; truth: GroundBox[] }[] = [];
  const report: DetectEvalReport['scenes'] = [];
  const tmp = await mkdtemp(join(tmpdir(), 'skysense-eval-detect-'));
  try {
    for (const [i, { s, truth }] of labelled.entries()) {
      const out = join(tmp, `scene-${i}.gpkg`);
      const run = await runDetect({ head: o.head, model: o.model, inputs: s.dates[0], out, threshold: o.threshold ?? 0.05, providers: o.providers, signal: o.signal });
      const info = await rasterInfo(s.dates[0]);
      const detections = run.outputs[0].features === 0 ? [] : (await readBoxLabels(out, info, { classes: objects, oriented, detections: info.georeferenced ? 'map' : 'pixels' })).boxes;
      scored.push({ detections, truth });
      const W = Math.ceil(info.width / stride);
      const H = Math.ceil(info.height / stride);
      const want = boxTargets(truth, W, H, stride, m.classes.length, oriented).labels;
      const got = boxTargets(detections.filter((d) => d.score >= keep).sort((a, b) => a.score - b.score), W, H, stride, m.classes.length, oriented).labels;
      for (let c = 0; c < W * H; c++) cm.add(want[c], got[c]);
      report.push({ inputs: s.dates[0], labels: s.labels, cells: W * H, noPrediction: 0, boxes: truth.length, detections: detections.length });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { head: o.head, ...cm.metrics(), ...meanAP(scored, objects), scenes: report };
}
