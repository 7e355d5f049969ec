/**
 * The encoder features a head trains on, computed by the engine's own `embed` (the same
 * tiling, blending and last tap a head then reads when it runs) and kept on disk as a
 * float16 GeoTIFF per model, input files (path, size, mtime) and modality, so a second
 * training on the same scene starts at once. The cache entry is written by embed under a
 * temporary name and renamed when whole; its report tells which module and tap made it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiError } from '../api.ts';
import type { ModalityId } from '../model/index.ts';
import { openRaster } from '../raster/index.ts';
import { runEmbed, type EmbedReport } from '../tasks/index.ts';
import type { TiledProgress } from '../tiler/index.ts';

export interface FeatureGrid {
  path: string;
  width: number;
  height: number;
  channels: number;
  stride: number;
  report: EmbedReport;
  /** True when an earlier run's features were reused. */
  cached: boolean;
}

export interface FeatureCacheOptions {
  model: string;
  inputs: string[];
  modality?: ModalityId;
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

export async function cachedFeatures(o: FeatureCacheOptions): Promise<FeatureGrid> {
  const modelDir = resolve(o.model);
  const modelFiles = existsSync(modelDir) ? (await readdir(modelDir)).filter((f) => f === 'manifest.json' || f.endsWith('.onnx')).map((f) => join(modelDir, f)) : [];
  const key = createHash('sha256')
    .update(JSON.stringify({ v: 1, model: await fingerprint(modelFiles), modelDir, inputs: await fingerprint(o.inputs), modality: o.modality ?? null }))
    .digest('hex')
    .slice(0, 32);
  const dir = join(o.cacheDir, 'features');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${key}.tif`);
  let report: EmbedReport;
  let cached = false;
  if (existsSync(path) && existsSync(`${path}.report.json`)) {
    report = JSON.parse(await readFile(`${path}.report.json`, 'utf8')) as EmbedReport;
    cached = true;
  } else {
    report = await runEmbed({ model: o.model, inputs: o.inputs, modality: o.modality, providers: o.providers, out: path, dataType: 'float16', signal: o.signal, progress: o.progress });
  }
  const out = report.outputs[0];
  return { path, width: out.width, height: out.height, channels: out.bands, stride: report.stride, report, cached };
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
