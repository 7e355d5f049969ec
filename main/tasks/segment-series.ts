/**
 * segment with a fused head (head manifest encoder.modality "fused"): per-pixel classes of an
 * S2 and/or S1 time series from a head on the fusion module's features (one 128-channel
 * feature per S2 pixel, stride 1). runSegment routes here; the series is read, dated and
 * checked exactly as fused-embed does (fused/fused-series.ts) and the outputs are those of
 * every segment run: the Byte class raster (nodata 255, palette, category names), optionally
 * <out-stem>.prob.tif, and <out>.report.json with the dates and where each came from.
 *
 * The fusion runs on whole tiles here, not only on the part the blend keeps (as fused-embed
 * does): a head may look at neighbouring pixels, and a feature left NaN at the tile's margin
 * would spread into the kept part. Output is on the reference grid (the first S2 input):
 * the fused features are already one per input pixel, so the `grid` option has nothing to
 * choose and there is no `gsd` (S2/S1 are fused on their 10 m grid).
 */
import { rm } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import type { Raster } from '../raster/index.ts';
import { loadHead, parseProviderList, type HeadFolder, type HeadManifest, type ModelFolder, type ModuleSpec } from '../model/index.ts';
import { CLASS_NODATA, ClassAreas, classPost, classRasterOptions, classScheme, probabilityFile } from './class-output.ts';
import { cellArea } from './cell-area.ts';
import { probabilityPath, type DenseHeadOptions } from './dense-head-run.ts';
import { writeReport } from './encoder-run.ts';
import { seriesGrid, type FusedEmbedReport } from './fused-embed.ts';
import { checkSeriesOptions, openFusedSeries, type FusedInputReport, type FusedSeries, type SeriesOptions } from './fused/fused-series.ts';
import { sigmoidInPlace, softmaxPlanes } from './head-infer.ts';
import { reportHead, type HeadReport, type HeadReportOutput } from './head-report.ts';
import { headModelFolder, headModule, headTaps, noteHeadWeights } from './head-setup.ts';
import { checkOutPath, planTiles, parseShard, runTiled, type InferFn } from './index.ts';

export type SeriesInputOptions = Pick<SeriesOptions, 's2' | 's1' | 'hr' | 'dates' | 's1Dates' | 'resample'> & {
  /** "Today" for the future-date check (default now). */
  now?: Date;
};

export type SegmentSeriesReport = Omit<HeadReport, 'task' | 'inputs'> & {
  task: 'segment';
  /** The fused series, as fused-embed reports it. */
  series: Pick<FusedEmbedReport, 'modalities' | 'hr' | 'grid' | 'mask' | 'notes' | 'sessions'> & { dateEmbedding: FusedEmbedReport['model']['dateEmbedding'] };
  /** One per date: its source, date and where the date came from (fused-embed's inputs). */
  inputs: FusedInputReport[];
};

export interface FusedHead {
  head: HeadManifest;
  headDir: string;
  manifestPath: string;
  model: ModelFolder;
  moduleName: string;
  spec: ModuleSpec;
  outChannels: number | null;
  warnings: string[];
}

/** The checks of a fused head against its model's fusion module, before any file of the series is read. */
export async function openFusedHead(h: { dir: string; manifestPath: string; manifest: HeadManifest }, o: Pick<DenseHeadOptions, 'model' | 'providers'>): Promise<FusedHead> {
  const m = h.manifest;
  const model = await headModelFolder(h, o);
  try {
    const spec = headModule(h, model);
    if (spec.role !== 'fusion') {
      throw new ApiError('E_CORRUPT', `${h.manifestPath}: encoder: module "${m.encoder.module}" of ${model.manifestPath} is a ${spec.modality} ${spec.role}; a fused head reads the fusion module`, h.manifestPath);
    }
    headTaps(h, model, spec).forEach((out, i) => {
      const input = m.inputs[i];
      if ((out.stride ?? 1) !== 1) throw new ApiError('E_UNSUPPORTED', `${model.manifestPath}: modules.${m.encoder.module}.outputs: "${input.tap}" has stride ${out.stride}; fused heads read one feature per S2 pixel`, model.manifestPath);
    });
    const first = m.outputs[0];
    if (m.task === 'classify') {
      if (first.shape.length !== 2) throw new ApiError('E_CORRUPT', `${h.manifestPath}: outputs[0].shape: a classify head gives [batch, classes], not [${first.shape.join(', ')}]`, h.manifestPath);
    } else if (first.stride !== 1) {
      throw new ApiError('E_UNSUPPORTED', `${h.manifestPath}: outputs[0].stride: ${first.stride}: a fused head gives one value per fused feature (stride 1)`, h.manifestPath);
    }
    const warnings: string[] = [];
    if (model.manifest.name !== m.encoder.name) {
      warnings.push(`head "${m.name}" was trained on encoder "${m.encoder.name}"; it runs here on "${model.manifest.name}" (${model.dir}): its classes may mean little`);
    }
    const k = first.shape[1];
    return { head: m, headDir: h.dir, manifestPath: h.manifestPath, model, moduleName: m.encoder.module, spec, outChannels: typeof k === 'number' ? k : null, warnings };
  } catch (err) {
    await model.close();
    throw err;
  }
}

/** One series the tiler reads: its bands in the tile, its fused features, and the head inputs it feeds. */
export interface FusedFeed {
  /** Bands of this series in the tiled raster (series lie one after another). */
  bands: number;
  infer: InferFn;
  /** Feeds the head inputs of this date; undefined feeds every input (segment). */
  date?: 'a' | 'b';
}

/**
 * The fused features of each tile through the head: probabilities (softmax or sigmoid) on the
 * same grid. Each series (one for segment, a and b for change) is fused from its own bands of
 * the tile, and feeds the head inputs of its date.
 */
function fusedHeadInfer(fh: FusedHead, head: HeadFolder, feeds: FusedFeed[], channels: number): InferFn {
  const output = fh.head.outputs[0];
  return async (inputs, ctx) => {
    const n = inputs.length;
    const { width: tw, height: th } = ctx.tiles[0];
    const plane = tw * th;
    // NaN (past the raster's edge, or a date with no data) becomes 0 for the head, and no data in its answer.
    const holes = inputs.map(() => new Uint8Array(plane));
    const tensors: ort.Tensor[] = [];
    let first = 0;
    for (const feed of feeds) {
      const from = first;
      first += feed.bands;
      const feats = await feed.infer(inputs.map((x) => x.subarray(from * plane, (from + feed.bands) * plane)), ctx);
      const x = new Float32Array(n * channels * plane);
      feats.forEach((f, i) => {
        for (let j = 0; j < channels * plane; j++) {
          const v = f[j];
          if (v === v) x[i * channels * plane + j] = v;
          else holes[i][j % plane] = 1;
        }
      });
      tensors.push(new ort.Tensor('float32', x, [n, channels, th, tw]));
    }
    const headFeeds: Record<string, ort.Tensor> = {};
    for (const input of fh.head.inputs) {
      const k = feeds.findIndex((f) => f.date === undefined || f.date === input.date);
      if (k < 0) throw new ApiError('E_INTERNAL', `${fh.manifestPath}: no series feeds head input "${input.name}"`);
      headFeeds[input.name] = tensors[k];
    }
    const res = await head.session.run(headFeeds);
    const y = res[output.name];
    if (!y || y.type !== 'float32') {
      throw new ApiError('E_CORRUPT', `${fh.manifestPath}: outputs[0]: the head gave ${y ? y.type : 'no'} "${output.name}", float32 expected`, fh.manifestPath);
    }
    const dims = y.dims.map(Number);
    const k = dims[1];
    const expected = [n, k, th, tw];
    if (dims.length !== 4 || dims.some((v, i) => v !== expected[i]) || (fh.outChannels !== null && k !== fh.outChannels)) {
      throw new ApiError('E_CORRUPT', `${fh.manifestPath}: outputs[0]: the head gave [${dims.join(', ')}] for ${n} tile(s) of ${tw} x ${th} px; expected [${expected.join(', ')}] (stride 1)`, fh.manifestPath);
    }
    const data = y.data as Float32Array;
    const per = k * plane;
    return inputs.map((_, i) => {
      const p = data.slice(i * per, (i + 1) * per);
      if (fh.head.activation === 'softmax') softmaxPlanes(p, k, plane);
      else sigmoidInPlace(p);
      const hole = holes[i];
      for (let j = 0; j < plane; j++) if (hole[j]) for (let c = 0; c < k; c++) p[c * plane + j] = Number.NaN;
      return p;
    });
  };
}

export interface FusedDenseRun {
  fh: FusedHead;
  task: 'segment' | 'change';
  o: DenseHeadOptions;
  /** The series in the order their bands lie in `raster` (all on one grid, same tiling). */
  series: FusedSeries[];
  /** Which head inputs each series feeds (segment: undefined). */
  dates: ('a' | 'b' | undefined)[];
  /** What the tiler reads: the series' rasters, one after another. */
  raster: Raster;
  probabilities: boolean;
  /** Date metadata for the outputs. */
  dateMetadata: Record<string, string>;
  gridNote: string;
  t0: number;
}

export type FusedDenseReport = Omit<HeadReport, 'task' | 'inputs'>;

/**
 * The tiled run shared by segment (one series) and change (series a and b): the head's
 * weights check, the head session, the tiler with the class raster (+ probabilities), and the
 * report's common part; the caller adds task, series and inputs and writes it.
 */
export async function runFusedDense(r: FusedDenseRun): Promise<{ report: FusedDenseReport; outPath: string }> {
  const { fh, o } = r;
  const f = r.series[0];
  const info = r.raster.info;
  const outPath = await checkOutPath({ outPath: o.out, raster: r.raster });
  const probPath = r.probabilities ? probabilityPath(outPath) : null;
  if (probPath && info.files.includes(probPath)) throw new ApiError('E_BAD_REQUEST', `${probPath}: the probability output would overwrite an input`);
  const shard = o.shard ? parseShard(o.shard) : undefined;
  const plan = planTiles({ width: info.width, height: info.height, tileWidth: f.tile, tileHeight: f.tile, overlapX: f.overlap, overlapY: f.overlap, stride: 1 }, shard);
  const K = fh.outChannels ?? (fh.head.activation === 'softmax' ? fh.head.classes.length : 1);
  const scheme = classScheme(fh.head, K);
  const area = cellArea(info, 1);
  const areas = new ClassAreas(area, plan.outRowFrom);

  await noteHeadWeights(fh.head, fh.model, fh.moduleName, fh.warnings);
  const warmupAxes: Record<string, number> = {};
  for (const input of fh.head.inputs) for (const d of input.shape.slice(2)) if (typeof d === 'string') warmupAxes[d] = f.tile;
  const head = await loadHead(fh.headDir, { providers: o.providers ? parseProviderList(o.providers) : undefined, warmupAxes });
  try {
    const prepare = performance.now() - r.t0;
    const metadata = {
      SKYSENSE_TASK: r.task,
      SKYSENSE_HEAD: fh.head.name,
      SKYSENSE_MODEL: fh.model.manifest.name,
      SKYSENSE_MODULE: fh.moduleName,
      SKYSENSE_TRAINED_ON: fh.head.training.data,
      ...r.dateMetadata,
    };
    const prob = classPost(scheme, areas, probabilityFile(probPath, plan, info, 1, scheme, metadata, 'class probabilities'));
    const feeds: FusedFeed[] = r.series.map((s, i) => ({ bands: s.raster.info.bandCount, infer: s.infer(0), date: r.dates[i] }));
    let result;
    try {
      result = await runTiled({
        raster: r.raster,
        tile: f.tile,
        overlap: f.overlap,
        margin: f.margin,
        stride: 1,
        batch: o.batch ?? Math.min(...r.series.map((s) => s.batch)),
        outChannels: K,
        outPath,
        shard,
        signal: o.signal,
        progress: o.progress,
        ...classRasterOptions(fh.head, metadata, 'classes'),
        post: prob.post,
        infer: fusedHeadInfer(fh, head, feeds, f.channels),
      });
      await prob.finish();
    } catch (err) {
      await prob.abort();
      if (result) await Promise.all([rm(result.outPath, { force: true }), rm(`${result.outPath}.aux.xml`, { force: true })]);
      throw err;
    }

    const outputs: HeadReportOutput[] = [
      { path: result.outPath, role: 'classes', width: result.width, height: result.height, bands: 1, dataType: 'Byte', nodata: String(CLASS_NODATA), geoTransformNote: r.gridNote },
    ];
    if (probPath) outputs.push({ path: probPath, role: 'probabilities', width: result.width, height: result.height, bands: K, dataType: 'Float32', nodata: 'NaN', geoTransformNote: r.gridNote });
    const m = fh.model.manifest;
    const report: FusedDenseReport = {
      head: reportHead({ headDir: fh.headDir, head: fh.head }),
      model: { dir: fh.model.dir, name: m.name, weights: m.provenance.weights, module: fh.moduleName, taps: [...new Set(fh.head.inputs.map((t) => t.tap))] },
      provider: f.provider,
      headProvider: head.session.provider,
      fallbacks: [...new Map([...r.series.flatMap((s) => s.fallbacks), ...head.session.fallbacks.map((x) => ({ ...x, reason: `head: ${x.reason}` }))].map((x) => [JSON.stringify(x), x])).values()],
      tile: f.tile,
      overlap: f.overlap,
      margin: f.margin,
      stride: 1,
      grid: o.grid ?? 'input',
      tiles: { inferred: result.tiles, skipped: result.skipped, total: result.total },
      timings: { ...result.timings, prepare },
      throughputMpxPerS: (info.width * Math.min(info.height, result.height)) / 1e6 / (result.timings.total / 1000),
      classes: areas.tally(fh.head.classes),
      area: { method: area.method, note: area.note },
      outputs,
      warnings: fh.warnings,
    };
    return { report, outPath: result.outPath };
  } finally {
    await head.close();
  }
}

/** Runs a fused segment head on an S2 / S1 series; called by runSegment. */
export async function runSegmentSeries(
  h: { dir: string; manifestPath: string; manifest: HeadManifest },
  o: DenseHeadOptions & SeriesInputOptions,
  t0: number,
): Promise<SegmentSeriesReport> {
  const now = o.now ?? new Date();
  if (o.gsd !== undefined) throw new ApiError('E_BAD_REQUEST', `gsd "${o.gsd}": does not apply to fused head "${h.manifest.name}": the S2/S1 series is fused on its own 10 m grid`);
  if (o.grid !== undefined && o.grid !== 'input' && o.grid !== 'model') throw new ApiError('E_BAD_REQUEST', `grid "${String(o.grid)}": use "input" or "model"`);
  const asked = checkSeriesOptions(o, now, `segment with fused head "${h.manifest.name}"`);
  const fh = await openFusedHead(h, o);
  let series: FusedSeries | null = null;
  try {
    series = await openFusedSeries(fh.model, asked, o, { task: 'segment', now, tilePref: fh.head.tile, shard: o.shard, progress: o.progress });
    const f = series;
    const { report: common, outPath } = await runFusedDense({
      fh,
      task: 'segment',
      o,
      series: [f],
      dates: [undefined],
      raster: f.raster,
      probabilities: o.probabilities ?? false,
      dateMetadata: f.dateMetadata,
      gridNote: `the reference grid of ${f.ref.path}: same CRS, size and geotransform (one class per S2 pixel)`,
      t0,
    });
    const report: SegmentSeriesReport = {
      task: 'segment',
      ...common,
      series: { modalities: f.modalities, hr: f.hr, grid: seriesGrid(f), mask: f.mask, notes: f.notes, sessions: f.sessions, dateEmbedding: f.dateEmbedding },
      inputs: f.inputs,
    };
    await writeReport(`${outPath}.report.json`, report);
    return report;
  } finally {
    await series?.close();
    await fh.model.close();
  }
}
