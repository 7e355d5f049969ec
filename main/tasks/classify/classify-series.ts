/**
 * classify with a fused head (head manifest task "classify", encoder.modality "fused"): one
 * answer per `grid` x `grid` px cell of an S2 and/or S1 time series (optionally with an HR
 * image), from a head on the fusion module's features — crop types per field-sized cell
 * from a season of Sentinel-2, for example. runClassify routes here.
 *
 * Each cell is one tile of the series without overlap, fused on its own (the encoders see
 * the cell, as a single-date classify head's encoder does); the head gets the cell's
 * features [batch, C, grid, grid] and answers [batch, K]. Features the fusion could not
 * make (no data in any date) are fed as 0. Outputs are those of classify: a Byte class
 * raster with one pixel per cell on the reference grid scaled by `grid`, optionally the
 * probabilities, and the whole-series answer in the report.
 */
import { rm } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { ApiError } from '../../api.ts';
import { parseProviderList, type HeadManifest } from '../../model/index.ts';
import { loadHead, type HeadFolder } from '../../heads/index.ts';
import { noteHeadWeights } from '../../heads/index.ts';
import { cellArea } from '../../raster/index.ts';
import { CLASS_NODATA, ClassAreas, classPost, classRasterOptions, classScheme, probabilityFile } from '../../heads/index.ts';
import { cellTiling, sceneAnswer, type ClassifyOptions, type ClassifySeriesReport } from './classify-report.ts';
import { probabilityPath } from '../../heads/index.ts';
import { writeReport } from '../../raster/index.ts';
import { seriesGrid } from '../../fusion/index.ts';
import { checkSeriesOptions, openFusedSeries, type FusedSeries } from '../../fusion/index.ts';
import { sigmoidInPlace, softmaxPlanes } from '../../heads/index.ts';
import { reportHead, type HeadReportOutput } from '../../heads/index.ts';
import { checkOutPath, parseShard, planTiles, runTiled, type InferFn } from '../../tiler/index.ts';
import { openFusedHead, type FusedHead, type SeriesInputOptions } from '../../heads/index.ts';

/** Fused features of each cell through the head: K probabilities per cell (a 1 x 1 output tile). */
function fusedClassifyInfer(fh: FusedHead, head: HeadFolder, fused: InferFn, channels: number, onTile: (p: Float32Array) => void): InferFn {
  const output = fh.head.outputs[0];
  return async (inputs, ctx) => {
    const n = inputs.length;
    const { width: tw, height: th } = ctx.tiles[0];
    const per = channels * tw * th;
    const feats = await fused(inputs, ctx);
    const x = new Float32Array(n * per);
    feats.forEach((f, i) => {
      for (let j = 0; j < per; j++) {
        const v = f[j];
        if (v === v) x[i * per + j] = v;
      }
    });
    const res = await head.session.run({ [fh.head.inputs[0].name]: new ort.Tensor('float32', x, [n, channels, th, tw]) });
    const y = res[output.name];
    if (!y || y.type !== 'float32') throw new ApiError('E_CORRUPT', `${fh.manifestPath}: outputs[0]: the head gave ${y ? y.type : 'no'} "${output.name}", float32 expected`, fh.manifestPath);
    const dims = y.dims.map(Number);
    const k = dims[1];
    if (dims.length !== 2 || dims[0] !== n || (fh.outChannels !== null && k !== fh.outChannels)) {
      throw new ApiError('E_CORRUPT', `${fh.manifestPath}: outputs[0]: the head gave [${dims.join(', ')}] for ${n} cell(s); expected [${n}, ${fh.outChannels ?? 'classes'}]`, fh.manifestPath);
    }
    const data = y.data as Float32Array;
    return inputs.map((_, i) => {
      const p = data.slice(i * k, (i + 1) * k);
      if (fh.head.activation === 'softmax') softmaxPlanes(p, k, 1);
      else sigmoidInPlace(p);
      onTile(p);
      return p;
    });
  };
}

/** Runs a fused classify head on an S2 / S1 (/ HR) series; called by runClassify. */
export async function runClassifySeries(
  h: { dir: string; manifestPath: string; manifest: HeadManifest },
  o: Omit<ClassifyOptions, 'inputs'> & SeriesInputOptions,
  t0: number,
): Promise<ClassifySeriesReport> {
  const now = o.now ?? new Date();
  const name = h.manifest.name;
  if (o.gsd !== undefined) throw new ApiError('E_BAD_REQUEST', `gsd "${o.gsd}": does not apply to fused head "${name}": the series is fused on its own 10 m grid`);
  const asked = checkSeriesOptions(o, now, `classify with fused head "${name}"`);
  const fh = await openFusedHead(h, o);
  const grid = o.grid ?? fh.head.tile?.size ?? 64;
  if (!Number.isInteger(grid) || grid < 1) throw new ApiError('E_BAD_REQUEST', `--grid must be a whole number of pixels (got ${grid})`);
  let series: FusedSeries | null = null;
  let head: HeadFolder | null = null;
  try {
    // One cell = one tile, no overlap; the HR pass (if any) computes only the rows a shard reads.
    series = await openFusedSeries(fh.model, asked, { ...o, tile: grid, overlap: 0 }, { task: 'classify', now, tilePref: { size: grid, stride: grid }, shard: o.shard, progress: o.progress });
    const f = series;
    const info = f.raster.info;
    const outPath = await checkOutPath({ outPath: o.out, raster: f.raster });
    const probPath = o.probabilities ? probabilityPath(outPath) : null;
    const shard = o.shard ? parseShard(o.shard) : undefined;
    const plan = planTiles({ width: info.width, height: info.height, tileWidth: grid, tileHeight: grid, overlapX: 0, overlapY: 0, stride: grid }, shard);
    const K = fh.outChannels ?? fh.head.classes.length;
    const scheme = classScheme(fh.head, K);
    const area = cellArea(info, grid);
    const areas = new ClassAreas(area, plan.outRowFrom);
    await noteHeadWeights(fh.head, fh.model, fh.moduleName, fh.warnings);
    const warmupAxes: Record<string, number> = {};
    for (const input of fh.head.inputs) for (const d of input.shape.slice(2)) if (typeof d === 'string') warmupAxes[d] = grid;
    head = await loadHead(fh.headDir, { providers: o.providers ? parseProviderList(o.providers) : undefined, warmupAxes });
    const prepare = performance.now() - t0;
    const sums = new Float64Array(K);
    let counted = 0;
    const metadata = { SKYSENSE_TASK: 'classify', SKYSENSE_HEAD: name, SKYSENSE_MODEL: fh.model.manifest.name, SKYSENSE_MODULE: fh.moduleName, SKYSENSE_TRAINED_ON: fh.head.training.data, ...f.dateMetadata };
    const prob = classPost(scheme, areas, probabilityFile(probPath, plan, info, grid, scheme, metadata, 'class probabilities per cell'));
    const onTile = (p: Float32Array) => {
      for (let k = 0; k < K; k++) sums[k] += p[k];
      counted++;
    };
    let result;
    try {
      result = await runTiled({
        raster: f.raster,
        tile: grid,
        overlap: 0,
        stride: grid,
        batch: o.batch ?? f.batch,
        outChannels: K,
        outPath,
        shard,
        signal: o.signal,
        progress: o.progress,
        ...classRasterOptions(fh.head, metadata, 'class per cell'),
        post: prob.post,
        infer: fusedClassifyInfer(fh, head, f.infer(0), f.channels, onTile),
      });
      await prob.finish();
    } catch (err) {
      await prob.abort();
      if (result) await Promise.all([rm(result.outPath, { force: true }), rm(`${result.outPath}.aux.xml`, { force: true })]);
      throw err;
    }
    const note = `the reference grid of ${f.ref.path} with the pixel size x ${grid}: one pixel per ${grid} x ${grid} px cell`;
    const outputs: HeadReportOutput[] = [{ path: result.outPath, role: 'classes', width: result.width, height: result.height, bands: 1, dataType: 'Byte', nodata: String(CLASS_NODATA), geoTransformNote: note }];
    if (probPath) outputs.push({ path: probPath, role: 'probabilities', width: result.width, height: result.height, bands: K, dataType: 'Float32', nodata: 'NaN', geoTransformNote: note });
    const m = fh.model.manifest;
    const report: ClassifySeriesReport = {
      task: 'classify',
      head: reportHead({ headDir: fh.headDir, head: fh.head }),
      model: { dir: fh.model.dir, name: m.name, weights: m.provenance.weights, module: fh.moduleName, taps: [...new Set(fh.head.inputs.map((t) => t.tap))] },
      provider: f.provider,
      headProvider: head.session.provider,
      fallbacks: [...f.fallbacks, ...head.session.fallbacks.map((x) => ({ ...x, reason: `head: ${x.reason}` }))],
      ...cellTiling(grid, result, prepare, info),
      classes: areas.tally(fh.head.classes),
      area: { method: area.method, note: area.note },
      outputs,
      warnings: fh.warnings,
      scene: sceneAnswer(scheme, sums, counted),
      series: { modalities: f.modalities, hr: f.hr, grid: seriesGrid(f), mask: f.mask, notes: f.notes, sessions: f.sessions, dateEmbedding: f.dateEmbedding },
      inputs: f.inputs,
    };
    await writeReport(`${result.outPath}.report.json`, report);
    return report;
  } finally {
    await head?.close();
    await series?.close();
    await fh.model.close();
  }
}
