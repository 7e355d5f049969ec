/**
 * The `cluster` task: label-free segmentation of one single-date raster by k-means on its
 * SkySense features (the encoder's last tap, as `embed` writes them), k chosen by the user.
 *
 * Two passes, one encoder run:
 *  1. the encoder runs over the raster through the tiler's pipeline (tiler/feature-stream.ts);
 *     the blended feature rows go to a raw scratch file beside the output
 *     (feature-scratch.ts says why raw) while a seeded reservoir keeps a uniform sample of
 *     at most `sample` pixels with data;
 *  2. k-means (kmeans.ts) on the standardised sample, then the scratch file is read back
 *     by row strips and every pixel gets its nearest centre, written as a Byte class
 *     raster on the embedding grid.
 * Of the three ways to get features to pass 2 (run the encoder twice, write a features
 * GeoTIFF and read it back, or a raw scratch file), the raw scratch costs least: no second
 * encoder run, no 128-band DEFLATE write and decode (README, Benchmarks: cluster passes).
 *
 * Distance: squared Euclidean on standardised features (each channel z-scored with the
 * sample's mean and std), chosen by agreement with hand-labelled water against raw L2 and
 * cosine (README, Benchmarks: cluster distance). Cosine throws away the feature norm, which
 * carries signal here; standardising costs a little against raw L2 but keeps one channel
 * with a large scale (per-channel std spans 7x in skysense-tiny, and models get
 * replaced) from deciding the clusters alone. Lloyd's algorithm also only guarantees a
 * falling inertia for squared Euclidean distance.
 *
 * Output values: cluster i is value i (1..k), named "cluster i", numbered by size in the
 * sample (cluster 1 the largest); 0 is unused, 255 is nodata. Hence k <= 254.
 */
import { ApiError, type Crs, type GeoTransform } from '../../api.ts';
import { checkOutPath, type StageTimings } from '../../tiler/index.ts';
import { writeCategoryNames } from '../../raster/index.ts';
import { cellArea } from '../../raster/index.ts';
import { clusterColour, clusterColourTable, hex } from './cluster-palette.ts';
import { writeReport } from '../../raster/index.ts';
import { openFeatureRun, type FeatureRunHead, type FeatureTaskOptions } from '../embed/index.ts';
import { FeatureScratch } from './feature-scratch.ts';
import { streamFeatures } from '../../tiler/index.ts';
import { kmeans, nearestCentre, seededRandom } from './kmeans.ts';
import { openRowSink, outputGeoTransform, type RowSink } from '../../tiler/index.ts';
import { crsName } from '../../raster/index.ts';

export type ClusterOptions = FeatureTaskOptions & {
  /** Number of clusters, 2..254. */
  k: number;
  /** Seed of the pixel sample and the k-means++ draws (default 1). */
  seed?: number;
  /** Most pixels sampled for fitting k-means (default 50000). */
  sample?: number;
  /** Upper bound on Lloyd iterations (default 300). */
  maxIterations?: number;
};

export interface ClusterSize {
  value: number;
  name: string;
  color: string;
  pixels: number;
  /** Ground area in m^2; null when the raster has no ground unit. */
  areaM2: number | null;
  /** Share of the pixels with data. */
  fraction: number;
}

export type ClusterReport = FeatureRunHead & {
  task: 'cluster';
  k: number;
  seed: number;
  distance: 'squared euclidean on standardised features';
  sample: { pixels: number; of: number; max: number; method: string };
  /** z = (feature - mean) / std per channel; the centres are in z units. */
  standardisation: { mean: number[]; std: number[] };
  /** k x channels, in z units, in value order (centres[i] is value i + 1). */
  centres: number[][];
  kmeans: { init: 'k-means++'; iterations: number; converged: boolean; maxIterations: number; reseeded: number; inertia: number; inertiaPerPixel: number };
  clusters: ClusterSize[];
  /** How areaM2 was computed (raster/cell-area.ts). */
  areaNote: string;
  nodataPixels: number;
  tiles: { inferred: number; skipped: number; total: number };
  timings: { prepare: number; features: StageTimings; kmeans: number; assign: number; total: number };
  scratchBytes: number;
  throughputMpxPerS: number;
  outputs: { path: string; width: number; height: number; bands: 1; dataType: 'Byte'; nodata: 255; crs: string | null; geoTransform: GeoTransform | null; geoTransformNote: string }[];
};

export const MAX_K = 254;
const DEFAULT_SAMPLE = 50_000;

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 2 || k > MAX_K) throw new ApiError('E_BAD_REQUEST', `--k ${k}: the number of clusters must be a whole number from 2 to ${MAX_K} (255 is nodata)`);
}

/** Uniform sample of at most `cap` C-vectors from a stream (Algorithm R, seeded). */
class Reservoir {
  readonly data: Float32Array;
  seen = 0;
  private readonly rand: () => number;

  constructor(readonly cap: number, readonly channels: number, seed: number) {
    this.data = new Float32Array(cap * channels);
    this.rand = seededRandom(seed ^ 0x5eed);
  }

  get size(): number {
    return Math.min(this.seen, this.cap);
  }

  /** Offers pixel i of planar rows. */
  offer(bands: Float32Array[], i: number): void {
    const slot = this.seen < this.cap ? this.seen : Math.floor(this.rand() * (this.seen + 1));
    this.seen++;
    if (slot >= this.cap) return;
    const o = slot * this.channels;
    for (let c = 0; c < this.channels; c++) this.data[o + c] = bands[c][i];
  }
}

function standardise(sample: Float32Array, n: number, C: number): { z: Float64Array; mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(C);
  const std = new Float64Array(C);
  for (let p = 0; p < n; p++) for (let c = 0; c < C; c++) mean[c] += sample[p * C + c];
  for (let c = 0; c < C; c++) mean[c] /= n;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < C; c++) {
      const v = sample[p * C + c] - mean[c];
      std[c] += v * v;
    }
  }
  // A constant channel carries nothing: scale 1 keeps it at 0 instead of dividing by 0.
  for (let c = 0; c < C; c++) std[c] = Math.sqrt(std[c] / n) || 1;
  const z = new Float64Array(n * C);
  for (let p = 0; p < n; p++) for (let c = 0; c < C; c++) z[p * C + c] = (sample[p * C + c] - mean[c]) / std[c];
  return { z, mean, std };
}

/** Runs cluster; writes <out> (+ .aux.xml with the names) and <out>.report.json and returns the report. */
export async function runCluster(o: ClusterOptions): Promise<ClusterReport> {
  const t0 = performance.now();
  checkK(o.k);
  const cap = o.sample ?? DEFAULT_SAMPLE;
  if (!Number.isInteger(cap) || cap < o.k) throw new ApiError('E_BAD_REQUEST', `--sample ${cap}: must be a whole number of pixels >= k (${o.k})`);
  const seed = o.seed ?? 1;
  const maxIterations = o.maxIterations ?? 300;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new ApiError('E_BAD_REQUEST', `--max-iterations ${maxIterations}: must be a whole number >= 1`);
  let outPath = '';
  const run = await openFeatureRun(o, 'cluster', async (r) => {
    outPath = await checkOutPath({ outPath: o.out, raster: r.raster });
    const w = Math.ceil(r.info.width / r.stride);
    const h = Math.ceil(r.info.height / r.stride);
    if (o.k > w * h) throw new ApiError('E_BAD_REQUEST', `--k ${o.k}: more clusters than the ${w * h} pixels of the ${w} x ${h} output grid`);
  });
  let scratch: FeatureScratch | null = null;
  let sink: RowSink | null = null;
  try {
    const { info, stride, channels: C } = run;
    const W = Math.ceil(info.width / stride);
    const H = Math.ceil(info.height / stride);
    await FeatureScratch.checkSpace(outPath, W, H, C);
    scratch = await FeatureScratch.create(outPath, W, H, C);
    const store = scratch;

    // Pass 1: features to the scratch file, a uniform sample of the pixels with data.
    const reservoir = new Reservoir(cap, C, seed);
    const pass1 = await streamFeatures({
      ...run,
      signal: o.signal,
      progress: o.progress,
      onRows: async (bands, _y, rows) => {
        for (let i = 0; i < rows * W; i++) if (hasData(bands, i)) reservoir.offer(bands, i);
        await store.append(bands, rows);
      },
    });
    const n = reservoir.size;
    if (o.k > n) throw new ApiError('E_BAD_REQUEST', `--k ${o.k}: more clusters than the ${n} pixels with data in ${info.path}`, info.path);

    // k-means on the standardised sample; clusters renumbered by sample size.
    const tk = performance.now();
    const { z, mean, std } = standardise(reservoir.data, n, C);
    const km = kmeans(z, C, { k: o.k, seed, maxIterations });
    const order = Array.from({ length: o.k }, (_, c) => c).sort((a, b) => km.sizes[b] - km.sizes[a] || a - b);
    const centres = new Float64Array(o.k * C);
    order.forEach((c, v) => centres.set(km.centres.subarray(c * C, (c + 1) * C), v * C));
    const kmeansMs = performance.now() - tk;
    if (o.signal?.aborted) throw new ApiError('E_CANCELLED', 'cluster run cancelled');

    // Pass 2: nearest centre of every pixel, by row strips of the scratch file.
    const ta = performance.now();
    const crs: Crs | null = info.crs;
    const geoTransform = info.georeferenced ? outputGeoTransform(info.geoTransform, stride, 0) : null;
    sink = await openRowSink({
      path: outPath,
      width: W,
      height: H,
      bandCount: 1,
      dataType: 'Byte',
      geoTransform,
      crs,
      nodata: 255,
      bandNames: ['cluster'],
      metadata: { SKYSENSE_TASK: 'cluster', SKYSENSE_MODEL: run.modelName, SKYSENSE_MODULE: run.moduleName, SKYSENSE_K: String(o.k), SKYSENSE_SEED: String(seed) },
      resampling: 'nearest',
      colorTable: clusterColourTable(o.k),
    });
    const area = cellArea(info, stride);
    const pixels = new Array<number>(o.k + 1).fill(0);
    const areas = new Float64Array(o.k + 1);
    let nodataPixels = 0;
    const stripRows = Math.max(1, Math.min(64, Math.floor((16 * 2 ** 20) / (W * C * 4))));
    let strip: Float32Array | undefined;
    const zrow = new Float64Array(C);
    for (let y = 0; y < H; y += stripRows) {
      if (o.signal?.aborted) throw new ApiError('E_CANCELLED', 'cluster run cancelled');
      const rows = Math.min(stripRows, H - y);
      strip = await store.readRows(y, rows, strip);
      const labels = new Uint8Array(rows * W);
      for (let p = 0; p < rows * W; p++) {
        const off = p * C;
        let ok = true;
        for (let c = 0; c < C; c++) {
          const v = strip[off + c];
          if (v !== v) {
            ok = false;
            break;
          }
          zrow[c] = (v - mean[c]) / std[c];
        }
        if (!ok) {
          labels[p] = 255;
          nodataPixels++;
          continue;
        }
        const value = nearestCentre(zrow, 0, centres, o.k, C) + 1;
        labels[p] = value;
        pixels[value]++;
        if (area.method !== 'none') areas[value] += area.cell(p % W, y + Math.floor(p / W))!;
      }
      await sink.writeRows([labels], rows);
    }
    await sink.finish();
    sink = null;
    await writeCategoryNames(outPath, ['', ...Array.from({ length: o.k }, (_, i) => `cluster ${i + 1}`)]);
    const assignMs = performance.now() - ta;

    const withData = pixels.reduce((a, b) => a + b, 0);
    const total = performance.now() - t0;
    const report: ClusterReport = {
      task: 'cluster',
      ...run.head,
      k: o.k,
      seed,
      distance: 'squared euclidean on standardised features',
      sample: { pixels: n, of: reservoir.seen, max: cap, method: 'uniform reservoir sample (Algorithm R, seeded) of the output pixels with data' },
      standardisation: { mean: Array.from(mean), std: Array.from(std) },
      centres: Array.from({ length: o.k }, (_, v) => Array.from(centres.subarray(v * C, (v + 1) * C))),
      kmeans: { init: 'k-means++', iterations: km.iterations, converged: km.converged, maxIterations, reseeded: km.reseeded, inertia: km.inertia, inertiaPerPixel: km.inertia / n },
      clusters: Array.from({ length: o.k }, (_, i) => ({
        value: i + 1,
        name: `cluster ${i + 1}`,
        color: hex(clusterColour(i + 1)),
        pixels: pixels[i + 1],
        areaM2: area.method !== 'none' ? areas[i + 1] : null,
        fraction: withData > 0 ? pixels[i + 1] / withData : 0,
      })),
      areaNote: area.note,
      nodataPixels,
      tiles: { inferred: pass1.inferred, skipped: pass1.skipped, total: pass1.total },
      timings: { prepare: run.prepareMs, features: pass1.timings, kmeans: kmeansMs, assign: assignMs, total },
      scratchBytes: FeatureScratch.bytesFor(W, H, C),
      throughputMpxPerS: (info.width * info.height) / 1e6 / (total / 1000),
      outputs: [{
        path: outPath,
        width: W,
        height: H,
        bands: 1,
        dataType: 'Byte',
        nodata: 255,
        crs: crsName(crs),
        geoTransform,
        geoTransformNote: `geotransform of ${run.gridWords} with the pixel size x ${stride} (one label per ${stride} x ${stride} pixels, the embedding grid)`,
      }],
    };
    await writeReport(`${outPath}.report.json`, report);
    return report;
  } finally {
    await sink?.abort().catch(() => undefined);
    await scratch?.remove();
    await run.close();
  }
}

function hasData(bands: Float32Array[], i: number): boolean {
  for (const b of bands) if (b[i] !== b[i]) return false;
  return true;
}
