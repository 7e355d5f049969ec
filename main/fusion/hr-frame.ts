/**
 * HR (aerial / VHR satellite) imagery as one frame of a fused run.
 *
 * SkySense fuses the HR branch's deepest features (Swin stage 4, stride 32) with the
 * Sentinel tokens location by location: one Sentinel pixel is exactly 32 HR pixels (HR at
 * ~0.31 m against 10 m). The fusion and the UPHeads see every location alone, so the HR
 * features need not be computed tile in step with the Sentinel tiles; they are computed in
 * a first pass over the HR image with the shared tiler (its own 512 px tiles, overlap and
 * blending), written to a temporary feature raster that lies exactly on the Sentinel grid,
 * and read by the fused pass as one more frame. Two passes keep both encoders on the tiles
 * they were trained on and memory at one tile of each.
 *
 * The HR grid is the reference (Sentinel) grid subdivided `ratio` times, cropped to the
 * reference pixels the HR image covers (at least half of each): the HR image is resampled
 * onto it (area average when it is finer, bilinear when coarser), so an HR pixel block of
 * 32 x 32 is exactly one reference pixel. The fused output covers that window only; where
 * the HR image has no data the fused feature is nodata (no HR frame to fuse).
 *
 * Checks before any inference: same CRS as the reference, both north-up, overlap of at least
 * one reference pixel, the R, G, B bands found.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApiError, type GeoTransform, type RasterInfo } from '../api.ts';
import type { ModelFolder, ModuleSession, ModuleSpec } from '../model/index.ts';
import { crsLabel, sameCrs } from '../raster/index.ts';
import { openRaster, type Raster, type Window } from '../raster/index.ts';
import { checkTile, encoderFor, encoderInfer } from '../encoder/index.ts';
import { runTiled, type StageTimings, type TiledProgress } from '../tiler/index.ts';
import { mapBands, type BandMapping } from '../inputs/index.ts';
import { makeNormaliser } from '../inputs/index.ts';
import { alignedGrid, resampledRaster } from '../inputs/index.ts';
import { detectUnits, sampleValues, type UnitsDetection } from '../inputs/index.ts';

export interface HrFrameReport {
  path: string;
  files: string[];
  bands: number[];
  bandNames: string[];
  bandsFoundBy: BandMapping['how'];
  units: UnitsDetection;
  /** HR pixels per reference pixel along each axis. */
  ratio: number;
  /** The reference pixels the HR image covers: the fused output's extent, in reference pixels. */
  window: Window;
  /** The grid the HR encoder ran on: the window subdivided `ratio` times. */
  grid: { width: number; height: number; geoTransform: GeoTransform };
  resampling: { method: 'average' | 'bilinear'; sourcePixelsPerGridPixel: [number, number]; note: string };
  module: string;
  output: string;
  tile: number;
  overlap: number;
  margin: number;
  /** Rows of the window whose HR features were computed (all, or those a shard's tiles read). */
  rows: [number, number];
  tiles: { inferred: number; skipped: number; total: number };
  timings: StageTimings | null;
  provider: string | null;
  notes: string[];
}

export interface HrFrame {
  report: HrFrameReport;
  /** Channels of the HR tap (the fusion's token width). */
  channels: number;
  /**
   * Runs the HR encoder over `rows` of the window (default all) and writes the features to a
   * temporary raster next to `out`; resolves to it opened, lying on the reference grid
   * (its origin at the window's corner + the first row). close() deletes it.
   */
  compute(o: { out: string; rows?: [number, number]; signal?: AbortSignal; progress?: (p: TiledProgress) => void }): Promise<Raster>;
  close(): Promise<void>;
}

const fmt = (v: number) => Number(v.toPrecision(3)).toString();

function bad(msg: string, file: string): ApiError {
  return new ApiError('E_BAND_MISMATCH', `${file}: ${msg}`, file);
}

/** The reference pixels [x0, x1) x [y0, y1) at least half covered by `hr`. */
export function coveredWindow(ref: RasterInfo, hr: RasterInfo): Window | null {
  const r = ref.geoTransform;
  const h = hr.geoTransform;
  const fx0 = (h[0] - r[0]) / r[1];
  const fx1 = (h[0] + hr.width * h[1] - r[0]) / r[1];
  const fy0 = (h[3] - r[3]) / r[5];
  const fy1 = (h[3] + hr.height * h[5] - r[3]) / r[5];
  // A pixel half covered counts; the slack keeps 0.4999999 from rounding the other way.
  const x0 = Math.max(0, Math.round(Math.min(fx0, fx1) - 1e-9));
  const x1 = Math.min(ref.width, Math.round(Math.max(fx0, fx1) + 1e-9));
  const y0 = Math.max(0, Math.round(Math.min(fy0, fy1) - 1e-9));
  const y1 = Math.min(ref.height, Math.round(Math.max(fy0, fy1) + 1e-9));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/**
 * Opens the HR raster of a fused run and plans its frame; no inference yet. The fused path
 * has one token per reference pixel, so one reference pixel is as many HR pixels as the HR
 * tap's stride (32).
 */
export async function openHrFrame(model: ModelFolder, path: string, ref: RasterInfo, task: string, signal?: AbortSignal): Promise<HrFrame> {
  const m = model.manifest;
  const modality = m.modalities.hr;
  if (!modality) throw new ApiError('E_NOT_FOUND', `${model.manifestPath}: no "hr" modality (--hr needs one)`, model.manifestPath);
  const [moduleName, spec]: [string, ModuleSpec] = encoderFor(model, 'hr', task);
  const tap = spec.outputs[spec.outputs.length - 1];
  const channels = tap.channels ?? (typeof tap.shape[1] === 'number' ? tap.shape[1] : null);
  if (!tap.stride || !channels) throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${moduleName}: its last output needs a stride and channels`, model.manifestPath);
  const tile = spec.tile!.size;
  const overlap = Math.min(spec.tile!.size - spec.tile!.stride, Math.floor(tile / 2 / tap.stride) * tap.stride);
  checkTile(spec, moduleName, tile, overlap, tap.stride);
  const margin = Math.floor(overlap / 2 / tap.stride) * tap.stride;
  const ratio = tap.stride;

  const source = await openRaster([path], { signal });
  let view: Raster = source;
  try {
    const info = source.info;
    if (!info.georeferenced || !ref.georeferenced) {
      throw bad(`HR imagery is fused by position: it and ${ref.path} must both be georeferenced`, path);
    }
    if (!sameCrs(ref, info)) {
      throw bad(`CRS ${crsLabel(info)} differs from ${crsLabel(ref)} of ${ref.path}; reproject the HR image onto that CRS first (gdalwarp -t_srs)`, path);
    }
    for (const g of [info, ref]) {
      const gt = g.geoTransform;
      if (gt[2] !== 0 || gt[4] !== 0 || gt[1] <= 0 || gt[5] >= 0) throw new ApiError('E_UNSUPPORTED', `${g.path}: only north-up grids are fused (gdalwarp it north-up first)`, g.path);
    }
    const mapping = mapBands(info, 'hr', modality.bands);
    const window = coveredWindow(ref, info);
    if (!window) throw bad(`does not cover a whole pixel of ${ref.path}; the HR image and the Sentinel rasters must show the same ground`, path);
    const r = ref.geoTransform;
    const gt: GeoTransform = [r[0] + window.x * r[1], r[1] / ratio, 0, r[3] + window.y * r[5], 0, r[5] / ratio];
    const grid = alignedGrid(info, gt, window.width * ratio, window.height * ratio);
    const finer = grid.factorX * grid.factorY >= 1;
    const method = finer ? 'average' : 'bilinear';
    view = resampledRaster(source, grid, method);
    const notes: string[] = [];
    // Mean pixel sizes in metres; NaN when the CRS is not metric.
    const srcM = grid.sourceResolutionCm / 100;
    const gridM = grid.resolutionCm / 100;
    const size = (m: number, px: number) => (Number.isFinite(m) ? `${fmt(m)} m` : `${fmt(px)} CRS units`);
    const note = `${size(srcM, Math.abs(info.geoTransform[1]))} HR pixels resampled by ${finer ? 'area average' : 'bilinear interpolation'} onto ${size(gridM, Math.abs(gt[1]))} pixels aligned to ${ref.path} (${ratio} x ${ratio} per reference pixel)`;
    if (srcM > gridM * 1.25) {
      notes.push(`the HR image (${fmt(srcM)} m) is coarser than the fusion's HR pixel (${fmt(gridM)} m): it is upsampled, so the HR frame adds less detail than sub-metre imagery would`);
    }
    const cover = (window.width * window.height) / (ref.width * ref.height);
    if (cover < 0.999) notes.push(`the HR image covers ${window.width} x ${window.height} of the ${ref.width} x ${ref.height} reference pixels: the fused output is that window (origin moved to its corner)`);
    const units = detectUnits('hr', modality, await sampleValues(view, mapping.bands, signal), path);
    const normalise = makeNormaliser(modality, units, view.info.nodata);

    let features: Raster | null = null;
    let featurePath: string | null = null;
    const report: HrFrameReport = {
      path,
      files: info.files,
      bands: mapping.bands,
      bandNames: mapping.bands.map((b) => info.bandNames[b - 1] ?? `band ${b}`),
      bandsFoundBy: mapping.how,
      units,
      ratio,
      window,
      grid: { width: grid.width, height: grid.height, geoTransform: gt },
      resampling: { method, sourcePixelsPerGridPixel: [grid.factorX, grid.factorY], note },
      module: moduleName,
      output: tap.name,
      tile,
      overlap,
      margin,
      rows: [0, window.height],
      tiles: { inferred: 0, skipped: 0, total: 0 },
      timings: null,
      provider: null,
      notes,
    };
    const dropFeatures = async () => {
      await features?.close().catch(() => undefined);
      features = null;
      if (featurePath) await rm(featurePath, { force: true }).catch(() => undefined);
      featurePath = null;
    };
    return {
      report,
      channels,
      async compute(c) {
        const session: ModuleSession = await model.session(moduleName);
        report.provider = session.provider;
        featurePath = join(dirname(c.out), `.skysense-hr-features-${process.pid}-${randomBytes(4).toString('hex')}.tif`);
        const rows = c.rows && (c.rows[0] > 0 || c.rows[1] < window.height) ? c.rows : undefined;
        const result = await runTiled({
          raster: view,
          bands: mapping.bands,
          tile,
          overlap,
          margin,
          stride: ratio,
          batch: 2,
          outChannels: channels,
          outDataType: 'Float32',
          outPath: featurePath,
          nodata: Number.NaN,
          outRows: rows,
          signal: c.signal,
          progress: c.progress ? (p) => c.progress!({ ...p, stage: 'HR features' }) : undefined,
          infer: encoderInfer(session, spec.inputs[0].name, tap.name, modality.bands.length, normalise),
        });
        report.rows = rows ?? [0, window.height];
        report.tiles = { inferred: result.tiles, skipped: result.skipped, total: result.total };
        report.timings = result.timings;
        features = await openRaster([featurePath], { signal: c.signal });
        return features;
      },
      close: async () => {
        await dropFeatures();
        await view.close().catch(() => undefined);
      },
    };
  } catch (err) {
    await view.close().catch(() => undefined);
    throw err;
  }
}
