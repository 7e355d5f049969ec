/**
 * The tiled run of a dense head on fused features, shared by segment (one series) and change
 * (series a and b): each series fused from its own bands of the tile, the head on the fused
 * features, probabilities blended by the tiler, and the class raster (+ probabilities).
 *
 * The fusion runs on whole tiles here, not only on the part the blend keeps (as fused-embed
 * does): a head may look at neighbouring pixels, and a feature left NaN at the tile's margin
 * would spread into the kept part.
 */
import { rm } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../api.ts';
import type { Raster } from '../raster/index.ts';
import { cellArea } from '../raster/index.ts';
import { parseProviderList } from '../model/index.ts';
import { loadHead } from './head-folder.ts';
import type { FusedSeries } from '../fusion/index.ts';
import { checkOutPath, planTiles, parseShard, runTiled, type InferFn } from '../tiler/index.ts';
import { CLASS_NODATA, ClassAreas, classPost, classRasterOptions, classScheme, probabilityFile } from './class-output.ts';
import { probabilityPath, type DenseHeadOptions } from './dense-head-run.ts';
import type { FusedHead } from './fused-head.ts';
import type { HeadFolder } from './head-folder.ts';
import { sigmoidInPlace, softmaxPlanes } from './head-infer.ts';
import { reportHead, type HeadReport, type HeadReportOutput } from './head-report.ts';
import { noteHeadWeights } from './head-setup.ts';

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

