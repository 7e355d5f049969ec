/**
 * The encoder features a head trains on, computed by the engine's own `embed` (the same
 * tiling, blending and last tap a head then reads when it runs), or for a series its fused
 * `embed` (the fusion module's output, one feature per S2 pixel), and kept on disk as a
 * float16 GeoTIFF per model, input files (path, size, mtime), dates and modality, so a
 * second training on the same scenes starts at once. The cache entry is written by embed
 * under a temporary name and renamed when whole, then a small record beside it (module, tap,
 * tiling) that marks the entry complete.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiError } from '../api.ts';
import type { TileView } from '../encoder/index.ts';
import type { ModalityId } from '../model/index.ts';
import { openRaster } from '../raster/index.ts';
import { runEmbed, runFusedEmbed } from '../tasks/index.ts';
import type { TiledProgress } from '../tiler/index.ts';

export interface FeatureGrid {
  path: string;
  width: number;
  height: number;
  channels: number;
  stride: number;
  /** What made them: the model, its module and the tap a head reads. */
  model: { dir: string; name: string; weights: string; module: string; output: string };
  tile: number;
  overlap: number;
  /** True when an earlier run's features were reused. */
  cached: boolean;
  /** A series fused with HR: the reference cell of the features' first one (they cover the HR image's window). */
  origin?: [number, number];
}

/** A series fused by SkySense's fusion module, as `skysense run` takes it. */
export interface TrainSeries {
  s2?: string[];
  s1?: string[];
  dates?: string[];
  s1Dates?: string[];
  /** An HR (aerial) raster of the same ground fused with the series; the features then cover only the reference pixels it covers. */
  hr?: string;
}

export interface FeatureCacheOptions {
  model: string;
  /** One raster (its files), or a series to fuse. */
  inputs: string[] | TrainSeries;
  modality?: ModalityId;
  /** Encoder tiling (default the model's); classify heads ask for tile = grid, overlap 0. */
  tile?: number;
  overlap?: number;
  /** Augmentation: the features of every tile seen mirrored or turned (single rasters only). */
  view?: TileView;
  /** The encoder tap (default its last, as embed writes); detect heads may read a finer one. */
  tap?: string;
  cacheDir: string;
  providers?: string;
  signal?: AbortSignal;
  progress?: (p: TiledProgress) => void;
}

async function fingerprint(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    const s = await stat(abs).catch(() => {
      throw new ApiError('E_NOT_FOUND', `${p}: not found`, p);
    });
    if (s.isDirectory()) out.push(...(await fingerprint((await readdir(abs)).sort().map((f) => join(abs, f)))));
    else out.push(`${abs}:${s.size}:${s.mtimeMs}`);
  }
  return out;
}

type CachedReport = { model: FeatureGrid['model']; stride: number; tile: number; overlap: number; outputs: { width: number; height: number; bands: number }[]; origin?: [number, number] };

async function runFeatures(o: FeatureCacheOptions, path: string): Promise<CachedReport> {
  const common = { model: o.model, providers: o.providers, tile: o.tile, overlap: o.overlap, out: path, dataType: 'float16' as const, signal: o.signal, progress: o.progress };
  if (Array.isArray(o.inputs)) return runEmbed({ ...common, inputs: o.inputs, modality: o.modality, view: o.view, tap: o.tap });
  if (o.view) throw new ApiError('E_UNSUPPORTED', `augment: ${o.view} applies to heads on one raster, not to a fused series`);
  if (o.tap) throw new ApiError('E_UNSUPPORTED', `tap "${o.tap}": a fused series gives the fusion module's one output`);
  const r = await runFusedEmbed({ ...common, ...o.inputs });
  const origin: [number, number] | undefined = r.hr ? [r.hr.window.x, r.hr.window.y] : undefined;
  return { ...r, model: { dir: r.model.dir, name: r.model.name, weights: r.model.weights, module: 'fusion', output: 'fused' }, stride: 1, ...(origin ? { origin } : {}) };
}

export async function cachedFeatures(o: FeatureCacheOptions): Promise<FeatureGrid> {
  const modelDir = resolve(o.model);
  const modelFiles = existsSync(modelDir) ? (await readdir(modelDir)).filter((f) => f === 'manifest.json' || f.endsWith('.onnx')).map((f) => join(modelDir, f)) : [];
  const inputs = Array.isArray(o.inputs)
    ? await fingerprint(o.inputs)
    : { s2: await fingerprint(o.inputs.s2 ?? []), s1: await fingerprint(o.inputs.s1 ?? []), dates: o.inputs.dates ?? null, s1Dates: o.inputs.s1Dates ?? null, ...(o.inputs.hr ? { hr: await fingerprint([o.inputs.hr]) } : {}) };
  const key = createHash('sha256')
    .update(JSON.stringify({ v: 2, model: await fingerprint(modelFiles), modelDir, inputs, modality: o.modality ?? null, tile: o.tile ?? null, overlap: o.overlap ?? null, view: o.view ?? null, ...(o.tap ? { tap: o.tap } : {}) }))
    .digest('hex')
    .slice(0, 32);
  const dir = join(o.cacheDir, 'features');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${key}.tif`);
  let report: CachedReport;
  let cached = false;
  if (existsSync(path) && existsSync(`${path}.cache.json`)) {
    report = JSON.parse(await readFile(`${path}.cache.json`, 'utf8')) as CachedReport;
    cached = true;
  } else {
    report = await runFeatures(o, path);
    // The cache's own record (what a head needs), written whole after the features are.
    const { model, stride, tile, overlap, outputs, origin } = report;
    await writeFile(`${path}.cache.json.part`, JSON.stringify({ model, stride, tile, overlap, outputs: outputs.map((x) => ({ width: x.width, height: x.height, bands: x.bands })), ...(origin ? { origin } : {}) }));
    await rename(`${path}.cache.json.part`, `${path}.cache.json`);
  }
  const out = report.outputs[0];
  return { path, width: out.width, height: out.height, channels: out.bands, stride: report.stride, model: report.model, tile: report.tile, overlap: report.overlap, cached, ...(report.origin ? { origin: report.origin } : {}) };
}

/** The features of the given cells (row-major indices on the feature grid, ascending): n x channels. */
export async function gatherFeatures(grid: FeatureGrid, cells: Int32Array, signal?: AbortSignal): Promise<Float32Array> {
  const C = grid.channels;
  const x = new Float32Array(cells.length * C);
  const raster = await openRaster([grid.path], { signal });
  try {
    const bands = Array.from({ length: C }, (_, i) => i + 1);
    let i = 0;
    while (i < cells.length) {
      const row = Math.floor(cells[i] / grid.width);
      const data = await raster.readWindow({ x: 0, y: row, width: grid.width, height: 1 }, { bands, signal });
      for (; i < cells.length && Math.floor(cells[i] / grid.width) === row; i++) {
        const col = cells[i] % grid.width;
        for (let c = 0; c < C; c++) x[i * C + c] = data[c][col];
      }
    }
    return x;
  } finally {
    await raster.close();
  }
}
