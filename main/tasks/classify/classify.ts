/**
 * The `classify` task: scene classification with a classify head (kind "head", task
 * "classify", output [batch, K] per tile). The raster is cut into `grid` x `grid` px tiles
 * without overlap; each tile gets one answer, written as one pixel of a Byte class raster
 * on the input grid scaled by `grid` (same CRS and origin, pixel size x grid, stated in the
 * report). Edge tiles that pass the raster edge are mirror-padded (tiler/tile-read.ts).
 *
 * The whole-raster answer in the report is the mean of the tile probabilities over the
 * tiles that were inferred (all-nodata tiles are skipped): softmax heads name the most
 * probable class, sigmoid (multi-label) heads every class whose mean probability reaches
 * the threshold (default 0.5). The class raster of a multi-label head holds each tile's
 * most probable class; `probabilities` writes every class's probability per tile to
 * <out-stem>.prob.tif.
 */
import { rm } from 'node:fs/promises';
import { ApiError } from '../../api.ts';
import { openRaster, type Raster } from '../../raster/index.ts';
import { checkOutPath, parseShard, planTiles, runTiled } from '../../tiler/index.ts';
import { cellArea } from '../../raster/index.ts';
import { CLASS_NODATA, ClassAreas, classPost, classRasterOptions, classScheme, probabilityFile } from '../../heads/index.ts';
import { checkTile } from '../../encoder/index.ts';
import { writeReport } from '../../raster/index.ts';
import { probabilityPath } from '../../heads/index.ts';
import { makeHeadInfer } from '../../heads/index.ts';
import { prepareHeadInput, type HeadInput } from '../../heads/index.ts';
import { reportModelInput } from '../../inputs/index.ts';
import { reportHead, reportModel, reportProviders, type HeadReportOutput } from '../../heads/index.ts';
import { openHeadSetup, startHeadSessions } from '../../heads/index.ts';
import { routeHead } from '../../heads/index.ts';
import { readHeadFolder } from '../../heads/index.ts';
import { cellTiling, sceneAnswer, type ClassifyOptions, type ClassifyReport, type ClassifySeriesReport } from './classify-report.ts';
import { gridWords } from '../../inputs/index.ts';

/** Runs classify; writes <out> (one pixel per tile), optionally <out-stem>.prob.tif, and <out>.report.json. */
export async function runClassify(o: ClassifyOptions): Promise<ClassifyReport | ClassifySeriesReport> {
  const t0 = performance.now();
  const h = await readHeadFolder(o.head);
  if (h.manifest.task === 'classify' && routeHead(h, o) === 'series') {
    const { runClassifySeries } = await import('./classify-series.ts');
    return runClassifySeries(h, o, t0);
  }
  if (!o.inputs || o.inputs.length === 0) throw new ApiError('E_BAD_REQUEST', `classify with head "${h.manifest.name}" needs an input raster`);
  const inputs = o.inputs;
  const s = await openHeadSetup(o, 'classify', h);
  let source: Raster | null = null;
  let input: HeadInput | null = null;
  try {
    source = await openRaster(inputs, { signal: o.signal, coarseBands: 'bilinear' });
    const head = s.head;
    const grid = o.grid ?? head.tile?.size ?? s.spec.tile!.size;
    if (!Number.isInteger(grid) || grid < 1) throw new ApiError('E_BAD_REQUEST', `--grid must be a whole number of pixels (got ${grid})`);
    checkTile(s.spec, s.moduleName, grid, 0, s.tapStride);
    input = await prepareHeadInput(source, s, o);
    // The grid cells are pixels of the processing grid (the input's, unless resampled to the model's GSD).
    const raster = input.raster;
    const info = raster.info;
    const outPath = await checkOutPath({ outPath: o.out, raster });
    const probPath = o.probabilities ? probabilityPath(outPath) : null;
    const shard = o.shard ? parseShard(o.shard) : undefined;
    const plan = planTiles({ width: info.width, height: info.height, tileWidth: grid, tileHeight: grid, overlapX: 0, overlapY: 0, stride: grid }, shard);
    const K = s.outChannels ?? head.classes.length;
    const scheme = classScheme(head, K);
    const area = cellArea(info, grid);
    const areas = new ClassAreas(area, plan.outRowFrom);

    const sessions = await startHeadSessions(s);
    try {
      const prepare = performance.now() - t0;
      const sums = new Float64Array(K);
      let counted = 0;
      const metadata = { SKYSENSE_TASK: 'classify', SKYSENSE_HEAD: head.name, SKYSENSE_MODEL: s.model.manifest.name, SKYSENSE_MODULE: s.moduleName, SKYSENSE_TRAINED_ON: head.training.data };
      const prob = classPost(scheme, areas, probabilityFile(probPath, plan, info, grid, scheme, metadata, 'class probabilities per tile'));
      let result;
      try {
        result = await runTiled({
          raster,
          bands: input.mapping.bands,
          tile: grid,
          overlap: 0,
          stride: grid,
          batch: o.batch ?? 4,
          outChannels: K,
          outPath,
          shard,
          signal: o.signal,
          progress: o.progress,
          ...classRasterOptions(head, metadata, 'class per tile'),
          post: prob.post,
          infer: makeHeadInfer({
            setup: s,
            sessions,
            normalisers: [input.normalise],
            onTile: (p) => {
              for (let k = 0; k < K; k++) sums[k] += p[k];
              counted++;
            },
          }),
        });
        await prob.finish();
      } catch (err) {
        await prob.abort();
        if (result) await Promise.all([rm(result.outPath, { force: true }), rm(`${result.outPath}.aux.xml`, { force: true })]);
        throw err;
      }
      const note = `geotransform of ${gridWords(input.preparation)} with the pixel size x ${grid}: one pixel per ${grid} x ${grid} px tile`;
      const outputs: HeadReportOutput[] = [
        { path: result.outPath, role: 'classes', width: result.width, height: result.height, bands: 1, dataType: 'Byte', nodata: String(CLASS_NODATA), geoTransformNote: note },
      ];
      if (probPath) outputs.push({ path: probPath, role: 'probabilities', width: result.width, height: result.height, bands: K, dataType: 'Float32', nodata: 'NaN', geoTransformNote: note });
      const report: ClassifyReport = {
        task: 'classify',
        head: reportHead(s),
        model: reportModel(s),
        inputs: [reportModelInput(input, s.modalityId)],
        ...reportProviders(sessions),
        ...cellTiling(grid, result, prepare, info),
        classes: areas.tally(head.classes),
        area: { method: area.method, note: area.note },
        outputs,
        warnings: s.warnings,
        scene: sceneAnswer(scheme, sums, counted),
      };
      await writeReport(`${result.outPath}.report.json`, report);
      return report;
    } finally {
      await sessions.head.close();
    }
  } finally {
    await (input?.raster ?? source)?.close().catch(() => undefined);
    await s.close();
  }
}
