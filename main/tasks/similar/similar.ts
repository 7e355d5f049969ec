/**
 * The `similar` task: how alike every location of a raster is to a query — a point or a
 * polygon — in SkySense feature space, as cosine similarity in [-1, 1] (Float32, NaN
 * nodata) on the embedding grid.
 *
 * First the query's feature (query-feature.ts: the encoder on the tiles around the query,
 * blended exactly as the full run blends them; a polygon's is the mean over the pixels
 * whose centres it holds). Then one tiled encoder run whose post transform turns each
 * blended feature row into its cosine with the query feature: no features file, one
 * encoder pass plus the few query tiles.
 *
 * Cosine rather than a distance: it is bounded, needs no scale, and reads the same on
 * every raster (1 = same direction as the query); the feature norm it ignores mostly
 * tracks contrast.
 */
import { ApiError, type GeoTransform } from '../../api.ts';
import { checkOutPath, runTiled, type StageTimings } from '../../tiler/index.ts';
import { writeReport } from '../../raster/index.ts';
import { openFeatureRun, type FeatureRunHead, type FeatureTaskOptions } from '../embed/index.ts';
import { tiledOptions } from '../../tiler/index.ts';
import { outputGeoTransform } from '../../tiler/index.ts';
import { queryFeature } from './query-feature.ts';
import { resolveQuery, type QueryRegion, type QuerySummary, type SimilarQuery } from './query.ts';

export type { SimilarQuery } from './query.ts';

export type SimilarOptions = FeatureTaskOptions & {
  query: SimilarQuery;
  /** "I/N": write the I-th of N row blocks (the query feature is always the whole raster's). */
  shard?: string;
};

export type SimilarReport = FeatureRunHead & {
  task: 'similar';
  query: QuerySummary & { pixels: number; nodataPixels: number; tiles: number; featureNorm: number };
  similarity: { min: number; max: number; mean: number; pixels: number; nodataPixels: number };
  tiles: { inferred: number; skipped: number; total: number };
  timings: StageTimings & { prepare: number; query: number };
  throughputMpxPerS: number;
  outputs: { path: string; width: number; height: number; bands: 1; dataType: 'Float32'; nodata: 'NaN'; geoTransform: GeoTransform | null; geoTransformNote: string }[];
};

/** Runs similar; writes <out> and <out>.report.json and returns the report. */
export async function runSimilar(o: SimilarOptions): Promise<SimilarReport> {
  let region: QueryRegion | null = null;
  const run = await openFeatureRun(o, 'similar', async (r) => {
    await checkOutPath({ outPath: o.out, raster: r.raster });
    region = await resolveQuery(o.query, r.info, r.raster, r.bands, r.stride);
  });
  try {
    const q = region as QueryRegion | null;
    if (!q) throw new ApiError('E_INTERNAL', 'similar: the query was not resolved');
    const { info, stride, channels: C } = run;
    const qf = await queryFeature(run, q, o.signal);
    if (qf.pixels === 0) {
      throw new ApiError('E_BAD_REQUEST', `${'polygon' in o.query ? o.query.polygon : q.kind === 'polygon' ? 'query ring' : 'query point'}: every query pixel (${qf.nodataPixels}) is nodata in ${info.path}`, info.path);
    }
    const query = Float64Array.from(qf.feature);
    let qn = 0;
    for (let c = 0; c < C; c++) qn += query[c] * query[c];
    qn = Math.sqrt(qn);
    if (!(qn > 0)) throw new ApiError('E_BAD_REQUEST', `the query feature is all zeros in ${info.path}: no direction to compare with`, info.path);
    for (let c = 0; c < C; c++) query[c] /= qn;

    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let count = 0;
    let nodataPixels = 0;
    let dot = new Float64Array(0);
    let norm = new Float64Array(0);
    const result = await runTiled({
      ...tiledOptions(run),
      outPath: o.out,
      nodata: Number.NaN,
      shard: o.shard,
      signal: o.signal,
      progress: o.progress,
      bandNames: ['similarity'],
      metadata: { SKYSENSE_TASK: 'similar', SKYSENSE_MODEL: run.modelName, SKYSENSE_MODULE: run.moduleName, SKYSENSE_OUTPUT: run.outputName, SKYSENSE_QUERY: JSON.stringify(o.query) },
      infer: run.infer,
      post: {
        bandCount: 1,
        dataType: 'Float32',
        transform: (bands, rows, width) => {
          const n = rows * width;
          if (dot.length < n) {
            dot = new Float64Array(n);
            norm = new Float64Array(n);
          }
          dot.fill(0, 0, n);
          norm.fill(0, 0, n);
          // Channel by channel: each band row is read once, in order.
          for (let c = 0; c < C; c++) {
            const b = bands[c];
            const qc = query[c];
            for (let i = 0; i < n; i++) {
              const v = b[i];
              dot[i] += v * qc;
              norm[i] += v * v;
            }
          }
          const out = new Float32Array(n);
          for (let i = 0; i < n; i++) {
            const s = dot[i] / Math.sqrt(norm[i]);
            // NaN features (nodata) and zero vectors stay NaN; rounding can pass +-1 by an ulp.
            if (s !== s) {
              out[i] = Number.NaN;
              nodataPixels++;
              continue;
            }
            const v = s > 1 ? 1 : s < -1 ? -1 : s;
            out[i] = v;
            if (v < min) min = v;
            if (v > max) max = v;
            sum += v;
            count++;
          }
          return [out];
        },
      },
    });

    const geoTransform = info.georeferenced ? outputGeoTransform(info.geoTransform, stride, result.plan.outRowFrom) : null;
    const report: SimilarReport = {
      task: 'similar',
      ...run.head,
      query: { ...q.summary, pixels: qf.pixels, nodataPixels: qf.nodataPixels, tiles: qf.tiles, featureNorm: qn },
      similarity: { min: count ? min : Number.NaN, max: count ? max : Number.NaN, mean: count ? sum / count : Number.NaN, pixels: count, nodataPixels },
      tiles: { inferred: result.tiles, skipped: result.skipped, total: result.total },
      timings: { ...result.timings, prepare: run.prepareMs, query: qf.ms },
      throughputMpxPerS: (info.width * Math.min(info.height, result.height * stride)) / 1e6 / ((result.timings.total + qf.ms) / 1000),
      outputs: [{
        path: result.outPath,
        width: result.width,
        height: result.height,
        bands: 1,
        dataType: 'Float32',
        nodata: 'NaN',
        geoTransform,
        geoTransformNote: `geotransform of ${run.gridWords} with the pixel size x ${stride} (one value per ${stride} x ${stride} pixels, the embedding grid)`,
      }],
    };
    await writeReport(`${result.outPath}.report.json`, report);
    return report;
  } finally {
    await run.close();
  }
}
