/**
 * A folder of single-band files, or several single-band files of one scene (Sentinel-2
 * B02.tif, B03.tif ... at 10/20/60 m), opened as ONE multi-band raster on the finest
 * band's grid. Bands are named from file names and sorted in Sentinel-2 order. Different
 * CRSs or non-overlapping extents fail with E_BAND_MISMATCH.
 *
 * Coarser bands are resampled on read in one of two ways (`coarseBands`):
 *  - 'nearest' (default; display, statistics): the fine pixel centre takes the coarse pixel
 *    containing it. Values stay the sensor's own, it is exact against GDAL's VRT default and
 *    needs no neighbourhood reads.
 *  - 'bilinear' (model inputs): as `gdalwarp -r bilinear` onto the fine grid, which is how
 *    the models' training data was brought to 10 m; nearest hands the model 2 x 2 / 6 x 6
 *    blocks it never saw. Each read takes the coarse window plus its one-pixel border.
 *    Windows then come back as Float32 with NaN as nodata (when any band has one); a fine
 *    pixel whose centre falls in a nodata coarse pixel is nodata (gdalwarp's rule). Reads
 *    smaller than the window (previews, scans) stay nearest. A set whose bands all share
 *    one grid reads the same either way.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GeoTransform, RasterInfo } from '../api.ts';
import type { NumericArray, Raster, ReadOptions, Window } from './types.ts';
import { rasterError, throwIfAborted } from './errors.ts';
import { commonType, makeArray } from './data-type.ts';
import { cornersOf } from './geotransform.ts';
import { crsLabel, sameCrs } from './grid-compare.ts';
import { bandNameOf, sortBandFiles } from './sentinel2-bands.ts';
import { fillValue, resolveRead, type IndexedSource } from './indexed-source.ts';
import { pickLevel } from './sample-grid.ts';
import { openSingle } from './single-raster.ts';
import { CACHE_BYTES } from './tiff-raster.ts';
import { axisTaps, resampleBand } from './resample-kernels.ts';

const BAND_FILE = /\.(tif|tiff)$/i;
const EPS = 1e-10;

type Source = Raster & IndexedSource;

/** How bands coarser than the set's grid are brought onto it. */
export type CoarseBands = 'nearest' | 'bilinear';

export interface BandSetOptions {
  signal?: AbortSignal;
  coarseBands?: CoarseBands;
}

export async function listBandFolder(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw rasterError('E_NOT_FOUND', dir, `folder cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const files = names.filter((n) => !n.startsWith('.') && BAND_FILE.test(n)).sort().map((n) => join(dir, n));
  if (files.length === 0) throw rasterError('E_NOT_RASTER', dir, 'folder holds no GeoTIFF band files');
  return files;
}

export async function openBandSet(path: string, files: string[], opts: BandSetOptions = {}): Promise<Raster> {
  const { signal } = opts;
  const sorted = sortBandFiles(files);
  const sources: Source[] = [];
  // One decoded-block budget for the whole set, not one per band file.
  const cacheBytes = Math.max(8 * 1024 * 1024, Math.floor(CACHE_BYTES / sorted.length));
  try {
    for (const f of sorted) {
      throwIfAborted(signal, f);
      sources.push(await openSingle(f, signal, cacheBytes));
    }
    return new BandSetRaster(path, sources, opts.coarseBands ?? 'nearest');
  } catch (err) {
    await Promise.all(sources.map((s) => s.close().catch(() => undefined)));
    throw err;
  }
}

function sameNodata(values: (number | null)[]): number | null {
  const first = values[0];
  return values.every((v) => Object.is(v, first) || v === first) ? first : null;
}

function extentOf(info: RasterInfo): [number, number, number, number] {
  const gt = info.geoTransform;
  const xs = [gt[0], gt[0] + info.width * gt[1]];
  const ys = [gt[3], gt[3] + info.height * gt[5]];
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Same size and geotransform: the band is read as it is stored. */
function onGrid(info: RasterInfo, ref: RasterInfo): boolean {
  return info.width === ref.width && info.height === ref.height && info.geoTransform.every((v, i) => v === ref.geoTransform[i]);
}

class BandSetRaster implements Raster {
  readonly info: RasterInfo;
  private readonly refGt: GeoTransform;
  /** Bilinear upsampling is on and some band needs it. */
  private readonly smooth: boolean;

  constructor(path: string, private readonly sources: Source[], coarseBands: CoarseBands) {
    const infos = sources.map((s) => s.info);
    const names = new Set<string>();
    for (const info of infos) {
      if (info.bandCount !== 1) {
        throw rasterError('E_BAND_MISMATCH', info.path, `has ${info.bandCount} bands; a band set needs single-band files`);
      }
      const name = bandNameOf(info.path);
      if (names.has(name)) throw rasterError('E_BAND_MISMATCH', info.path, `is a second file for band ${name}`);
      names.add(name);
    }
    const first = infos[0];
    for (const info of infos) {
      if (info.georeferenced !== first.georeferenced) {
        throw rasterError('E_BAND_MISMATCH', info.path, `is ${info.georeferenced ? '' : 'not '}georeferenced, unlike ${first.path}`);
      }
      if (!sameCrs(info, first)) {
        throw rasterError('E_BAND_MISMATCH', info.path, `CRS ${crsLabel(info)} differs from ${crsLabel(first)} of ${first.path}`);
      }
      const gt = info.geoTransform;
      if (gt[2] !== 0 || gt[4] !== 0) throw rasterError('E_UNSUPPORTED', info.path, 'rotated grids cannot be combined into a band set');
    }
    // The finest band defines the grid every band is read on.
    let ref = infos[0];
    for (const info of infos) if (Math.abs(info.geoTransform[1]) < Math.abs(ref.geoTransform[1])) ref = info;
    if (!first.georeferenced) {
      for (const info of infos) {
        if (info.width !== ref.width || info.height !== ref.height) {
          throw rasterError('E_BAND_MISMATCH', info.path, `is ${info.width} x ${info.height} px, unlike ${ref.path} (${ref.width} x ${ref.height}), and has no georeferencing to align them`);
        }
      }
    } else {
      const [rx0, ry0, rx1, ry1] = extentOf(ref);
      for (const info of infos) {
        const [x0, y0, x1, y1] = extentOf(info);
        if (Math.min(x1, rx1) <= Math.max(x0, rx0) || Math.min(y1, ry1) <= Math.max(y0, ry0)) {
          throw rasterError('E_BAND_MISMATCH', info.path, `does not overlap ${ref.path}`);
        }
      }
    }
    this.refGt = ref.geoTransform;
    this.smooth = coarseBands === 'bilinear' && first.georeferenced && infos.some((i) => !onGrid(i, ref));
    const anyNodata = infos.some((i) => i.nodata !== null);
    const abs = resolve(path);
    this.info = {
      path: abs,
      files: infos.map((i) => i.path),
      format: 'BandFolder',
      width: ref.width,
      height: ref.height,
      bandCount: infos.length,
      // Interpolated values are fractional; NaN is the one nodata the bands can share then.
      dataType: this.smooth ? 'Float32' : commonType(infos.map((i) => i.dataType)),
      bandNames: infos.map((i) => bandNameOf(i.path)),
      nodata: this.smooth ? (anyNodata ? Number.NaN : null) : sameNodata(infos.map((i) => i.nodata)),
      georeferenced: ref.georeferenced,
      crs: ref.crs,
      geoTransform: [...ref.geoTransform],
      corners: cornersOf(ref.geoTransform, ref.width, ref.height),
      overviews: [],
      tiled: false,
      blockSize: ref.blockSize,
      compression: ref.compression,
      // One band per file: no one class table describes the stack.
      colorTable: null,
      categoryNames: null,
    };
  }

  async readWindow(win: Window, opts: ReadOptions = {}): Promise<NumericArray[]> {
    const { bands, outW, outH } = resolveRead(this.info, win, opts);
    const fill = fillValue(this.info);
    const whole = outW === win.width && outH === win.height && Number.isInteger(win.x) && Number.isInteger(win.y);
    return Promise.all(
      bands.map(async (b) => {
        const src = this.sources[b - 1];
        if (this.smooth && whole && !onGrid(src.info, this.info)) return this.readBilinear(src, win, fill, opts.signal);
        const out = makeArray(this.info.dataType, outW * outH);
        if (fill !== 0) out.fill(fill);
        await this.readBand(src, win, outW, outH, out, opts.signal);
        // Sampled values keep their type's meaning; only the band's own nodata becomes NaN.
        const nd = src.info.nodata;
        if (this.smooth && nd !== null) for (let i = 0; i < out.length; i++) if (out[i] === nd) out[i] = Number.NaN;
        return out;
      }),
    );
  }

  /** The band on the set's grid as `gdalwarp -r bilinear` puts it there. */
  private async readBilinear(src: Source, win: Window, fill: number, signal?: AbortSignal): Promise<Float32Array> {
    const s = src.info.geoTransform;
    const r = this.refGt;
    // Fine pixel size and origin in coarse pixels, per axis.
    const xs = axisTaps('bilinear', win.x, win.width, r[1] / s[1], src.info.width, this.info.width, (r[0] - s[0]) / s[1]);
    const ys = axisTaps('bilinear', win.y, win.height, r[5] / s[5], src.info.height, this.info.height, (r[3] - s[3]) / s[5]);
    if (xs.hi <= xs.lo || ys.hi <= ys.lo) return new Float32Array(win.width * win.height).fill(fill);
    const [coarse] = await src.readWindow({ x: xs.lo, y: ys.lo, width: xs.hi - xs.lo, height: ys.hi - ys.lo }, { signal });
    return resampleBand('bilinear', coarse, xs, ys, src.info.nodata, Number.NaN, fill);
  }

  /** Map output pixel centres on the reference grid into the band's own grid (and overview). */
  private async readBand(src: Source, win: Window, outW: number, outH: number, out: NumericArray, signal?: AbortSignal): Promise<void> {
    const s = src.info;
    const r = this.refGt;
    const sx = r[1] / s.geoTransform[1];
    const sy = r[5] / s.geoTransform[5];
    const srcWin: Window = {
      x: (r[0] + win.x * r[1] - s.geoTransform[0]) / s.geoTransform[1],
      y: (r[3] + win.y * r[5] - s.geoTransform[3]) / s.geoTransform[5],
      width: win.width * sx,
      height: win.height * sy,
    };
    const widths = src.levelSizes.map((l) => l[0]);
    const heights = src.levelSizes.map((l) => l[1]);
    const level = pickLevel(widths, heights, srcWin, outW, outH);
    const [lw, lh] = src.levelSizes[level];
    const axis = (start: number, len: number, n: number, refStart: number, refLen: number, refSize: number, full: number, lsize: number) => {
      const idx = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const refPos = refStart + ((i + 0.5) * refLen) / n;
        const pos = start + ((i + 0.5) * len) / n;
        idx[i] = refPos < 0 || refPos >= refSize || pos < 0 || pos >= full ? -1 : Math.min(lsize - 1, Math.floor((pos * lsize) / full + EPS));
      }
      return idx;
    };
    const cols = axis(srcWin.x, srcWin.width, outW, win.x, win.width, this.info.width, s.width, lw);
    const rows = axis(srcWin.y, srcWin.height, outH, win.y, win.height, this.info.height, s.height, lh);
    await src.readIndexed(level, cols, rows, [0], [out], signal);
  }

  async close(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.close()));
  }
}
