/**
 * Nodata and cloud masks carried through as masks: a single-band raster on the input's
 * grid whose listed values (default: any non-zero value), or values above a threshold,
 * mark input pixels invalid. The input is then read through a view in which those pixels
 * are nodata in every band, so everything downstream already does the right thing: units
 * are detected on valid pixels only, the normaliser feeds the band mean there, the tiler
 * skips tiles that are entirely masked and writes nodata over output cells with no valid
 * input (255 in class rasters, NaN in features).
 *
 * Examples: Sentinel-2 L2A scene classification (SCL, resampled to the 10 m grid with
 * gdalwarp -tr 10 10 -r near) with values 3,8,9,10 (cloud shadow, cloud medium and high
 * probability, thin cirrus); an s2cloudless / SNOWPROB-CLOUDPROB probability band with a
 * threshold such as 50; a validity raster whose non-zero pixels are bad.
 *
 * Masked pixels take the input's own nodata value; an input without one is read as
 * Float32 with NaN as nodata (no value of the input can collide with NaN). The rule reads
 * the mask's raw values (its own nodata value is a value like any other); NaN in the mask
 * masks nothing.
 *
 * The mask must lie on the input's grid — same size, CRS and geotransform — else the run
 * stops before any work with an error naming both files. Its masked pixels are counted in
 * one streaming pass (row strips) before the run, for the report.
 */
import { resolve } from 'node:path';
import { ApiError, type RasterInfo } from '../api.ts';
import { openRaster, type NumericArray, type Raster, type ReadOptions, type Window } from '../raster/index.ts';
import { sameCrs, sameGeoTransform } from '../raster/index.ts';

export interface MaskSpec {
  /** Single-band raster on the input's grid. */
  path: string;
  /** Mask values that mark a pixel invalid (default: any non-zero value). */
  values?: number[];
  /** Instead of values: a pixel is invalid where the mask is above this. */
  threshold?: number;
}

export interface MaskReport {
  path: string;
  /** The rule in words, e.g. "value in {3, 8, 9, 10}". */
  rule: string;
  /** Input pixels masked, of `of` (width x height of the input). */
  pixels: number;
  of: number;
  fraction: number;
}

export interface OpenedMask {
  raster: Raster;
  invalid: (v: number) => boolean;
  report: MaskReport;
}

function bad(msg: string, file?: string): ApiError {
  return new ApiError('E_BAD_REQUEST', msg, file);
}

function ruleOf(spec: MaskSpec): { invalid: (v: number) => boolean; rule: string } {
  if (spec.values !== undefined && spec.threshold !== undefined) throw bad('mask: give mask values or a mask threshold, not both');
  if (spec.values !== undefined) {
    if (spec.values.length === 0 || spec.values.some((v) => !Number.isFinite(v))) throw bad(`mask values ${spec.values.join(',')}: expected one or more numbers`);
    const set = new Set(spec.values);
    return { invalid: (v) => set.has(v), rule: `value in {${spec.values.join(', ')}}` };
  }
  if (spec.threshold !== undefined) {
    if (!Number.isFinite(spec.threshold)) throw bad(`mask threshold ${spec.threshold}: expected a number`);
    const t = spec.threshold;
    return { invalid: (v) => v > t, rule: `value > ${t}` };
  }
  return { invalid: (v) => v !== 0 && v === v, rule: 'any non-zero value' };
}

export function checkMaskGrid(input: RasterInfo, mask: RasterInfo): void {
  const fail = (what: string) =>
    new ApiError('E_BAND_MISMATCH', `mask ${mask.path} does not lie on the grid of the input ${input.path}: ${what}; the mask must have the input's size, CRS and geotransform (e.g. gdalwarp -r near -te/-ts from gdalinfo of the input)`, mask.path);
  if (mask.bandCount !== 1) throw new ApiError('E_BAD_REQUEST', `mask ${mask.path}: has ${mask.bandCount} bands; a mask is one band (take one with gdal_translate -b N)`, mask.path);
  if (mask.width !== input.width || mask.height !== input.height) throw fail(`it is ${mask.width} x ${mask.height} px, the input ${input.width} x ${input.height} px`);
  if (mask.georeferenced !== input.georeferenced) throw fail(`only the ${input.georeferenced ? 'input' : 'mask'} is georeferenced`);
  if (!input.georeferenced) return;
  if (!sameCrs(input, mask)) throw fail(`different CRS (${mask.crs?.name ?? 'none'} vs ${input.crs?.name ?? 'none'})`);
  if (!sameGeoTransform(input, mask)) throw fail(`different geotransforms ([${mask.geoTransform.join(', ')}] vs [${input.geoTransform.join(', ')}])`);
}

/** Opens and checks the mask against `input` (and the run's output path `out`) and counts its masked pixels. */
export async function openMask(spec: MaskSpec, input: RasterInfo, signal?: AbortSignal, out?: string): Promise<OpenedMask> {
  if (out !== undefined && resolve(spec.path) === resolve(out)) throw bad(`${out}: the output would overwrite the mask`, out);
  const { invalid, rule } = ruleOf(spec);
  const raster = await openRaster([spec.path], { signal });
  try {
    checkMaskGrid(input, raster.info);
    const { width: W, height: H } = raster.info;
    const strip = Math.max(1, Math.floor((4 * 2 ** 20) / W));
    let pixels = 0;
    for (let y = 0; y < H; y += strip) {
      if (signal?.aborted) throw new ApiError('E_CANCELLED', 'run cancelled');
      const [a] = await raster.readWindow({ x: 0, y, width: W, height: Math.min(strip, H - y) }, { bands: [1], signal });
      for (let i = 0; i < a.length; i++) if (invalid(a[i])) pixels++;
    }
    const of = W * H;
    if (pixels === of) throw new ApiError('E_EMPTY', `mask ${spec.path} masks every pixel of ${input.path} (${rule}): nothing is left to run on`, spec.path);
    return { raster, invalid, report: { path: resolve(spec.path), rule, pixels, of, fraction: pixels / of } };
  } catch (err) {
    await raster.close().catch(() => undefined);
    throw err;
  }
}

/** `src` with the mask's invalid pixels set to nodata in every band. Closing it closes both. */
export function maskedRaster(src: Raster, mask: OpenedMask): Raster {
  const srcNodata = src.info.nodata;
  const toFloat = srcNodata === null;
  const nodata = toFloat ? Number.NaN : srcNodata;
  const info: RasterInfo = {
    ...src.info,
    ...(toFloat ? { dataType: 'Float32' as const, nodata } : {}),
    // The decimated empty-tile scan would sample the mask too coarsely to skip a tile safely.
    overviews: [],
  };
  return {
    info,
    async readWindow(win: Window, opts: ReadOptions = {}): Promise<NumericArray[]> {
      const [arrs, [m]] = await Promise.all([
        src.readWindow(win, opts),
        mask.raster.readWindow(win, { bands: [1], outWidth: opts.outWidth, outHeight: opts.outHeight, signal: opts.signal }),
      ]);
      let hit = false;
      for (let i = 0; i < m.length && !hit; i++) hit = mask.invalid(m[i]);
      if (!hit && !toFloat) return arrs;
      // Copies: the reader's arrays may be shared with its block cache.
      return arrs.map((a) => {
        const out = toFloat ? Float32Array.from(a) : a.slice();
        if (hit) for (let i = 0; i < m.length; i++) if (mask.invalid(m[i])) out[i] = nodata;
        return out;
      });
    },
    async close() {
      await Promise.all([src.close(), mask.raster.close()]);
    },
  };
}

