/**
 * The tiled run of a dense head (segment, change): tiles on the encoder's tile size, the
 * encoder and head on each, class probabilities blended over overlaps, and from them the
 * class raster (+ the probability raster) and the report. tasks/segment/segment.ts and tasks/change/change.ts differ
 * only in what they read (one raster, or two dates stacked) and say so in their options.
 *
 * Output grid: by default the INPUT grid (same CRS, geotransform and size as the input;
 * the head's probabilities upsampled bilinearly inside each tile), so the class raster
 * overlays the input pixel for pixel. `grid: 'model'` writes the head's own grid instead
 * (the input geotransform with the pixel size x stride, stated in the report): 16x fewer
 * pixels for stride 4, and no interpolation. When the input was resampled to the model's
 * GSD (inputs/prepare-input.ts) "the input grid" is that processing grid: the input's
 * origin and CRS at the model's pixel size, stated in inputs[].preparation.grid. Going back
 * to the input's own pixels would be a second, non-integer resampling of class maps;
 * gdalwarp -tr does it when wanted, and the report says so.
 *
 * Tiles: the encoder's (or the head manifest's) tile size with overlap = size - step; half
 * the overlap at each interior edge is dropped (margin, a multiple of the head's stride),
 * as embed does, so each output pixel comes from the one tile in which it is farthest from
 * an edge.
 */
import { rm } from 'node:fs/promises';
import { ApiError } from '../api.ts';
import type { Raster } from '../raster/index.ts';
import { checkOutPath, planTiles, runTiled, parseShard } from '../tiler/index.ts';
import { cellArea } from '../raster/index.ts';
import { CLASS_NODATA, ClassAreas, classPost, classRasterOptions, classScheme, probabilityFile } from './class-output.ts';
import { checkTile } from '../encoder/index.ts';
import { writeReport } from '../raster/index.ts';
import { makeHeadInfer } from './head-infer.ts';
import type { HeadInput } from './head-input.ts';
import { reportHead, reportModel, reportProviders, type HeadReport, type HeadReportOutput } from './head-report.ts';
import { startHeadSessions, type HeadRunOptions, type HeadSetup } from './head-setup.ts';
import { gridWords } from '../inputs/index.ts';

export interface DenseHeadOptions extends HeadRunOptions {
  /** Also write <out-stem>.prob.tif (Float32, one band per head output channel). */
  probabilities?: boolean;
  /** 'input' (default): the input's own pixels; 'model': the head's output grid. */
  grid?: 'input' | 'model';
}

export interface DenseRun {
  setup: HeadSetup;
  o: DenseHeadOptions;
  task: 'segment' | 'change';
  /** The raster tiled (for change, both dates stacked) and its bands fed, date by date. */
  raster: Raster;
  bands: number[];
  /** One per date. */
  inputs: HeadInput[];
  reportInputs: HeadReport['inputs'];
  /** Write the probability raster even when not asked (change always does). */
  probabilities: boolean;
  t0: number;
}

/** <dir>/<stem>.prob.tif beside <dir>/<stem>.tif. */
export function probabilityPath(out: string): string {
  return out.replace(/\.tiff?$/i, '') + '.prob.tif';
}

export function denseTiling(s: HeadSetup, o: Pick<HeadRunOptions, 'tile' | 'overlap'>): { tile: number; overlap: number; margin: number; stride: number } {
  const stride = s.outStride!;
  const step = Math.max(stride, s.tapStride);
  const pref = s.head.tile ?? s.spec.tile!;
  const tile = o.tile ?? pref.size;
  const overlap = o.overlap ?? Math.min(pref.size - pref.stride, Math.floor(tile / 2 / step) * step);
  checkTile(s.spec, s.moduleName, tile, overlap, step);
  return { tile, overlap, margin: Math.floor(overlap / 2 / stride) * stride, stride };
}

export async function runDenseHead(r: DenseRun): Promise<HeadReport> {
  const { setup: s, o, raster } = r;
  const info = raster.info;
  const head = s.head;
  const { tile, overlap, margin, stride: headStride } = denseTiling(s, o);
  const grid = o.grid ?? 'input';
  if (grid !== 'input' && grid !== 'model') throw new ApiError('E_BAD_REQUEST', `grid "${String(grid)}": use "input" or "model"`);
  const stride = grid === 'input' ? 1 : headStride;
  const outPath = await checkOutPath({ outPath: o.out, raster });
  const probPath = r.probabilities ? probabilityPath(outPath) : null;
  if (probPath && info.files.includes(probPath)) throw new ApiError('E_BAD_REQUEST', `${probPath}: the probability output would overwrite an input`);
  const shard = o.shard ? parseShard(o.shard) : undefined;
  const plan = planTiles({ width: info.width, height: info.height, tileWidth: tile, tileHeight: tile, overlapX: overlap, overlapY: overlap, stride }, shard);
  const K = s.outChannels ?? (head.activation === 'softmax' ? head.classes.length : 1);
  const scheme = classScheme(head, K);
  const area = cellArea(info, stride);
  const areas = new ClassAreas(area, plan.outRowFrom);

  const sessions = await startHeadSessions(s);
  try {
    const prepare = performance.now() - r.t0;
    const metadata = {
      SKYSENSE_TASK: r.task,
      SKYSENSE_HEAD: head.name,
      SKYSENSE_MODEL: s.model.manifest.name,
      SKYSENSE_MODULE: s.moduleName,
      SKYSENSE_TRAINED_ON: head.training.data,
    };
    const prob = classPost(scheme, areas, probabilityFile(probPath, plan, info, stride, scheme, metadata, 'class probabilities'));
    let result;
    try {
      result = await runTiled({
        raster,
        bands: r.bands,
        tile,
        overlap,
        margin,
        stride,
        batch: o.batch ?? 4,
        outChannels: K,
        outPath,
        shard,
        signal: o.signal,
        progress: o.progress,
        ...classRasterOptions(head, metadata, 'classes'),
        post: prob.post,
        infer: makeHeadInfer({ setup: s, sessions, normalisers: r.inputs.map((x) => x.normalise), upsample: headStride / stride }),
      });
      await prob.finish();
    } catch (err) {
      await prob.abort();
      // The class raster may already be in place when only the probability file failed.
      if (result) await Promise.all([rm(result.outPath, { force: true }), rm(`${result.outPath}.aux.xml`, { force: true })]);
      throw err;
    }

    const prep = r.inputs[0].preparation;
    const base = gridWords(prep);
    const gridNote =
      stride === 1
        ? prep.gsd.resampled
          ? `${base}: the input's origin and CRS at ${prep.gsd.modelGsdM} m per pixel, not the input's own pixels (gdalwarp -tr to go back)`
          : 'the input grid: same CRS, size and geotransform as the input'
        : `the head's grid: geotransform of ${base} with the pixel size x ${stride} (one value per ${stride} x ${stride} pixels)`;
    const outputs: HeadReportOutput[] = [
      { path: result.outPath, role: 'classes', width: result.width, height: result.height, bands: 1, dataType: 'Byte', nodata: String(CLASS_NODATA), geoTransformNote: gridNote },
    ];
    if (probPath) outputs.push({ path: probPath, role: 'probabilities', width: result.width, height: result.height, bands: K, dataType: 'Float32', nodata: 'NaN', geoTransformNote: gridNote });
    const report: HeadReport = {
      task: r.task,
      head: reportHead(s),
      model: reportModel(s),
      inputs: r.reportInputs,
      ...reportProviders(sessions),
      tile,
      overlap,
      margin,
      stride,
      grid,
      tiles: { inferred: result.tiles, skipped: result.skipped, total: result.total },
      timings: { ...result.timings, prepare },
      throughputMpxPerS: (info.width * Math.min(info.height, result.height * stride)) / 1e6 / (result.timings.total / 1000),
      classes: areas.tally(head.classes),
      area: { method: area.method, note: area.note },
      outputs,
      warnings: s.warnings,
    };
    await writeReport(`${result.outPath}.report.json`, report);
    return report;
  } finally {
    await sessions.head.close();
  }
}

