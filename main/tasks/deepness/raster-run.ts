/**
 * Segmentor and Regressor models on the tiler: every output head's channels are blended
 * across tiles as Float32 (NaN where there is no data), then
 *   Segmentor: per head a Byte class raster (nodata 255, colour table, category names):
 *     sigmoid head (1 channel, or a 3-D output): class 1 where p >= threshold, else 0;
 *     softmax head: values below the threshold set to 0, then argmax (first on ties) —
 *     the plugin's rule;
 *   Regressor: one Float32 band per channel, x reg_output_scaling, nodata NaN.
 *
 * An output smaller than the tile (a valid convolution: 512 -> 484) is centred: output
 * pixel (i, j) belongs to tile pixel (i + b, j + b), b = (tile - H') / 2. The border is
 * NaN and dropped at interior tile edges (the tiler's margin = b, the overlap is raised to
 * 2b when smaller); at the raster's own edges no tile covers those b pixels, so they are
 * nodata. The plugin pastes each tile's centre without blending; for the pointwise
 * dummy models both give the same values, for others the blend smooths tile seams.
 */
import { rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ApiError } from '../../api.ts';
import type { NumericArray, Raster } from '../../raster/index.ts';
import { runTiled, type RunTiledResult, type TiledProgress } from '../../tiler/index.ts';
import type { ClassEntry } from './classes.ts';
import { ExtraSinks } from './extra-sinks.ts';
import { medianRowSink } from './median-rows.ts';
import type { RowSink } from '../../tiler/index.ts';
import type { RasterHead } from './model-io.ts';
import { runTiles, type RunnerSpec } from './model-runner.ts';
import type { ProcessingGrid } from '../../inputs/index.ts';

export interface RasterRunOptions {
  kind: 'Segmentor' | 'Regressor';
  raster: Raster;
  grid: ProcessingGrid;
  bands: number[];
  runner: RunnerSpec;
  heads: (RasterHead & { outSize: number })[];
  tile: number;
  overlap: number;
  margin: number;
  out: string;
  threshold: number;
  /** Median window over the class rasters (the plugin's seg_small_segment); 1: none. */
  medianSize: number;
  scaling: number;
  classes: ClassEntry[][];
  bandNames: string[];
  metadata: Record<string, string>;
  signal?: AbortSignal;
  progress?: (p: TiledProgress) => void;
}

export interface RasterOutput {
  path: string;
  head: string;
  width: number;
  height: number;
  bands: number;
  dataType: 'Byte' | 'Float32';
  nodata: string;
  classes?: ClassEntry[];
  bandNames?: string[];
}

/** Output files: `out` for one head; <stem>.<output name>.tif per head otherwise. */
function headPaths(out: string, heads: { name: string }[]): string[] {
  if (heads.length === 1) return [out];
  const ext = extname(out);
  const stem = join(dirname(out), basename(out, ext));
  const used = new Set<string>();
  return heads.map((h, i) => {
    let safe = h.name.replace(/[^A-Za-z0-9_-]+/g, '_') || `head${i}`;
    if (used.has(safe)) safe = `${safe}_${i}`;
    used.add(safe);
    return `${stem}.${safe}${ext}`;
  });
}

/** The per-tile model output laid on the tile: C_total x tile x tile, NaN around a smaller output. */
function layOut(outputs: { data: Float32Array; dims: number[] }[], heads: RasterHeadSized[], tile: number, file: string): Float32Array {
  const total = heads.reduce((s, h) => s + h.channels, 0);
  const plane = tile * tile;
  const dst = new Float32Array(total * plane);
  let c0 = 0;
  heads.forEach((h, k) => {
    const { data, dims } = outputs[k];
    const size = dims[dims.length - 1];
    if (dims[dims.length - 2] !== size || size !== h.outSize) {
      throw new ApiError('E_UNSUPPORTED', `${file}: output "${h.name}" changed shape to [${dims.join(', ')}] during the run`, file);
    }
    const b = (tile - size) / 2;
    const cplane = size * size;
    for (let c = 0; c < h.channels; c++) {
      const o = (c0 + c) * plane;
      if (b === 0) {
        dst.set(data.subarray(c * cplane, (c + 1) * cplane), o);
        continue;
      }
      dst.fill(Number.NaN, o, o + plane);
      for (let y = 0; y < size; y++) dst.set(data.subarray(c * cplane + y * size, c * cplane + (y + 1) * size), o + (y + b) * tile + b);
    }
    c0 += h.channels;
  });
  return dst;
}

type RasterHeadSized = RasterHead & { outSize: number };

/** Class ids of one head from its blended channels (rows x width values each). */
export function classify(bands: Float32Array[], offset: number, channels: number, threshold: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (channels === 1) {
    const p = bands[offset];
    for (let i = 0; i < n; i++) {
      const v = p[i];
      // The plugin zeroes values below the threshold and calls what is left (non-zero) class 1.
      out[i] = v !== v ? 255 : v >= threshold && v !== 0 ? 1 : 0;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v0 = bands[offset][i];
    if (v0 !== v0) {
      out[i] = 255;
      continue;
    }
    let best = 0;
    let bestV = v0 < threshold ? 0 : v0;
    for (let c = 1; c < channels; c++) {
      const v = bands[offset + c][i];
      const t = v < threshold ? 0 : v;
      if (t > bestV) {
        bestV = t;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

export async function runRasterModel(o: RasterRunOptions): Promise<{ result: RunTiledResult; outputs: RasterOutput[] }> {
  const file = o.runner.file;
  const totalChannels = o.heads.reduce((s, h) => s + h.channels, 0);
  const infer = async (inputs: Float32Array[]) => (await runTiles(o.runner, inputs)).map((outs) => layOut(outs, o.heads, o.tile, file));
  const common = {
    raster: o.raster,
    bands: o.bands,
    tile: o.tile,
    overlap: o.overlap,
    margin: o.margin,
    batch: o.runner.batch,
    infer,
    outChannels: totalChannels,
    signal: o.signal,
    progress: o.progress,
    metadata: o.metadata,
  };
  const width = o.grid.width;
  const height = o.grid.height;

  if (o.kind === 'Regressor') {
    const result = await runTiled({
      ...common,
      outPath: o.out,
      nodata: Number.NaN,
      bandNames: o.bandNames,
      post: {
        bandCount: totalChannels,
        dataType: 'Float32',
        transform: (bands) => {
          if (o.scaling === 1) return bands;
          for (const b of bands) for (let i = 0; i < b.length; i++) b[i] *= o.scaling;
          return bands;
        },
      },
    });
    return { result, outputs: [{ path: result.outPath, head: o.heads.map((h) => h.name).join('+'), width, height, bands: totalChannels, dataType: 'Float32', nodata: 'NaN', bandNames: o.bandNames }] };
  }

  const paths = headPaths(o.out, o.heads);
  const rowFilter = o.medianSize > 1 ? (sink: RowSink) => medianRowSink(sink, { width, size: o.medianSize, nodata: 255 }) : undefined;
  const offsets: number[] = [];
  o.heads.reduce((s, h) => (offsets.push(s), s + h.channels), 0);
  const extra =
    o.heads.length > 1
      ? await ExtraSinks.open(
          o.heads.slice(1).map((h, k) => ({
            path: paths[k + 1],
            width,
            height,
            bandCount: 1,
            dataType: 'Byte' as const,
            geoTransform: o.raster.info.georeferenced ? o.grid.geoTransform : null,
            crs: o.raster.info.crs,
            nodata: 255,
            resampling: 'nearest' as const,
            colorTable: o.classes[k + 1].map((c) => c.color),
            categoryNames: o.classes[k + 1].map((c) => c.name),
            metadata: { ...o.metadata, DEEPNESS_OUTPUT: h.name },
            bandNames: ['class'],
          })),
          rowFilter,
        )
      : null;
  let placed = false;
  try {
    const result = await runTiled({
      ...common,
      outPath: paths[0],
      nodata: 255,
      resampling: 'nearest',
      colorTable: o.classes[0].map((c) => c.color),
      categoryNames: o.classes[0].map((c) => c.name),
      bandNames: ['class'],
      metadata: { ...o.metadata, DEEPNESS_OUTPUT: o.heads[0].name },
      rowFilter,
      post: {
        bandCount: 1,
        dataType: 'Byte',
        transform: async (bands, rows, w) => {
          const n = rows * w;
          const perHead: NumericArray[] = o.heads.map((h, k) => classify(bands, offsets[k], h.channels, o.threshold, n));
          await extra?.write(perHead.slice(1), rows);
          return [perHead[0]];
        },
      },
    });
    placed = true;
    await extra?.finish();
    return {
      result,
      outputs: o.heads.map((h, k) => ({ path: paths[k], head: h.name, width, height, bands: 1, dataType: 'Byte', nodata: '255', classes: o.classes[k] })),
    };
  } catch (err) {
    await extra?.abort();
    // The first head's file is in place when only a later head's failed: leave none.
    if (placed) await Promise.all([rm(paths[0], { force: true }), rm(`${paths[0]}.aux.xml`, { force: true })]).catch(() => undefined);
    throw err;
  }
}
