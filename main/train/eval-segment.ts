/**
 * `skysense eval --task segment`: the metrics of any segment head (trained here or shipped)
 * on labelled scenes it may never have seen. The head runs through the engine's own segment
 * task on its model grid, exactly as a user's run would, and each labelled cell of that grid
 * (label-raster.ts: the most frequent labelled class of its pixels) is compared with the
 * class the head wrote there. Labels are matched to the head's classes by name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../api.ts';
import { readHeadFolder } from '../heads/index.ts';
import { openRaster, rasterInfo } from '../raster/index.ts';
import { runSegment } from '../tasks/index.ts';
import { readDatasetSpec } from './dataset-spec.ts';
import { readLabels } from './labels.ts';
import { Confusion, type Metrics } from './metrics.ts';

export interface EvalSegmentOptions {
  head: string;
  /** The encoder's model folder, where the head is not inside one. */
  model?: string;
  dataset?: string;
  inputs?: string[];
  labels?: string;
  labelValues?: Record<string, string>;
  /** The class property of GeoJSON labels (default "class"). */
  classField?: string;
  providers?: string;
  signal?: AbortSignal;
}

export interface EvalReport extends Metrics {
  head: string;
  scenes: { inputs: string[]; labels: string; cells: number; noPrediction: number }[];
}

export async function evalSegmentHead(o: EvalSegmentOptions): Promise<EvalReport> {
  const head = await readHeadFolder(o.head);
  const m = head.manifest;
  if (m.task !== 'segment') throw new ApiError('E_BAD_REQUEST', `${head.manifestPath}: a ${m.task} head; eval --task segment needs a segment head`, head.manifestPath);
  const stride = m.outputs[0].stride ?? 1;
  const classes = m.classes.map((c) => c.name);
  let scenes: { inputs: string[]; labels: string; labelValues: Record<string, string> | null }[];
  if (o.dataset) {
    const d = await readDatasetSpec(o.dataset);
    if (d.task !== 'segment') throw new ApiError('E_BAD_REQUEST', `${o.dataset}: task "${d.task}", but ${o.head} is a segment head`, o.dataset);
    for (const c of d.classes) if (!classes.includes(c)) throw new ApiError('E_BAD_REQUEST', `${o.dataset}: class "${c}" is not one of the head's classes (${classes.join(', ')})`, o.dataset);
    scenes = d.samples.map((s, i) => {
      if (!s.inputs.image) throw new ApiError('E_BAD_REQUEST', `${o.dataset}: samples[${i}].inputs: missing "image"`, o.dataset);
      return { inputs: s.inputs.image, labels: s.labels, labelValues: s.labelValues };
    });
  } else {
    if (!o.inputs?.length || !o.labels) throw new ApiError('E_BAD_REQUEST', 'give a dataset spec, or inputs and labels');
    scenes = [{ inputs: o.inputs, labels: o.labels, labelValues: o.labelValues ?? null }];
  }
  const valueIndex = new Map(m.classes.map((c, i) => [c.value, i]));
  // Labels first, for every scene: a bad label file fails before any model runs.
  const labelled = [];
  for (const s of scenes) labelled.push({ s, cells: await readLabels({ ...s, classField: o.classField }, await rasterInfo(s.inputs), stride, classes, o.signal) });
  const cm = new Confusion(classes);
  const tmp = await mkdtemp(join(tmpdir(), 'skysense-eval-'));
  const report: EvalReport['scenes'] = [];
  try {
    for (const [i, { s, cells }] of labelled.entries()) {
      const out = join(tmp, `scene-${i}.tif`);
      await runSegment({ head: o.head, model: o.model, inputs: s.inputs, out, grid: 'model', providers: o.providers, signal: o.signal });
      const raster = await openRaster([out], { signal: o.signal });
      let n = 0;
      let none = 0;
      try {
        const { width, height } = raster.info;
        if (width !== cells.width || height !== cells.height) throw new ApiError('E_INTERNAL', `${out}: ${width} x ${height} cells, the labels ${cells.width} x ${cells.height}`);
        const [pred] = await raster.readWindow({ x: 0, y: 0, width, height }, { bands: [1], signal: o.signal });
        for (let c = 0; c < cells.labels.length; c++) {
          const label = cells.labels[c];
          if (label < 0) continue;
          const k = valueIndex.get(pred[c]);
          if (k === undefined) {
            none++;
            continue;
          }
          cm.add(label, k);
          n++;
        }
      } finally {
        await raster.close();
      }
      report.push({ inputs: s.inputs, labels: s.labels, cells: n, noPrediction: none });
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { head: o.head, ...cm.metrics(), scenes: report };
}
