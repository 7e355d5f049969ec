/**
 * GDAL's command-line tools as the test oracle: gdalinfo -json, gdallocationinfo,
 * gdal_translate (windows and decimated reads written as raw ENVI so they are read back
 * without our own TIFF reader), gdaltransform, gdalbuildvrt. Synchronous on purpose:
 * tests call them a few times each and want plain values.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared real data, read in place (see ../shared/data/README.md). */
export const DATA_DIR = resolve(REPO_ROOT, '../shared/data');

export function dataPath(rel: string): string {
  return join(DATA_DIR, rel);
}

function run(tool: string, args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GdalInfo = Record<string, any>;

/** `gdalinfo -json [extra]` parsed. */
export function gdalinfo(path: string, extra: string[] = []): GdalInfo {
  return JSON.parse(run('gdalinfo', ['-json', ...extra, path])) as GdalInfo;
}

/** The EPSG code GDAL identifies for the file's CRS, or null. */
export function gdalEpsg(info: GdalInfo): number | null {
  const code = info.stac?.['proj:epsg'];
  return typeof code === 'number' ? code : null;
}

/** Per-band checksums (gdalinfo -checksum). */
export function gdalChecksums(path: string): number[] {
  return gdalinfo(path, ['-checksum']).bands.map((b: GdalInfo) => b.checksum as number);
}

/** Overview sizes of band 1 as [width, height]. */
export function gdalOverviews(info: GdalInfo): [number, number][] {
  return (info.bands[0].overviews ?? []).map((o: GdalInfo) => o.size as [number, number]);
}

/** Values of every band (or the given ones) at pixel (col, row): gdallocationinfo -valonly. */
export function gdalPixel(path: string, col: number, row: number, bands?: number | number[]): number[] {
  const list = bands === undefined ? [] : Array.isArray(bands) ? bands : [bands];
  const args = ['-valonly', ...list.flatMap((b) => ['-b', String(b)]), path, String(col), String(row)];
  return run('gdallocationinfo', args)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (l.trim().toLowerCase() === 'nan' ? NaN : Number(l)));
}

const ENVI_TYPES: Record<number, (b: ArrayBuffer) => ArrayLike<number>> = {
  1: (b) => new Uint8Array(b),
  2: (b) => new Int16Array(b),
  3: (b) => new Int32Array(b),
  4: (b) => new Float32Array(b),
  5: (b) => new Float64Array(b),
  12: (b) => new Uint16Array(b),
  13: (b) => new Uint32Array(b),
};

export interface WindowOptions {
  srcwin?: [number, number, number, number];
  outsize?: [number, number];
  bands?: number[];
  /** Read from this overview alone (0 = first), as -oo OVERVIEW_LEVEL=<n>only (GDAL would otherwise use coarser ones too). */
  overviewLevel?: number;
  resampling?: string;
}

/**
 * A window read by gdal_translate, returned as one flat array per band. Written as ENVI
 * (raw little-endian band-sequential) and parsed here, independent of our reader.
 */
export function gdalWindow(path: string, opts: WindowOptions = {}): number[][] {
  const dir = mkdtempSync(join(tmpdir(), 'skysense-gdal-'));
  try {
    const out = join(dir, 'w.img');
    const args = ['-q', '-of', 'ENVI', '-co', 'INTERLEAVE=BSQ'];
    if (opts.srcwin) args.push('-srcwin', ...opts.srcwin.map(String));
    if (opts.outsize) args.push('-outsize', ...opts.outsize.map(String));
    for (const b of opts.bands ?? []) args.push('-b', String(b));
    if (opts.overviewLevel !== undefined) args.push('-oo', `OVERVIEW_LEVEL=${opts.overviewLevel}only`);
    args.push('-r', opts.resampling ?? 'nearest', path, out);
    run('gdal_translate', args);
    const hdr = readFileSync(join(dir, 'w.hdr'), 'utf8');
    const field = (name: string) => Number(new RegExp(`${name}\\s*=\\s*(\\d+)`, 'i').exec(hdr)?.[1]);
    const samples = field('samples');
    const lines = field('lines');
    const bands = field('bands');
    const type = field('data type');
    if (field('byte order') !== 0) throw new Error('expected little-endian ENVI output');
    const raw = readFileSync(out);
    const buf = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    const all = Array.from(ENVI_TYPES[type](buf));
    const n = samples * lines;
    return Array.from({ length: bands }, (_, b) => all.slice(b * n, (b + 1) * n));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** gdaltransform: pixel/line of `path` (or coordinates with -s_srs) to `tSrs`. */
export function gdalTransform(points: [number, number][], opts: { file?: string; sSrs?: string; tSrs: string }): [number, number][] {
  const args = [...(opts.file ? [opts.file] : []), ...(opts.sSrs ? ['-s_srs', opts.sSrs] : []), '-t_srs', opts.tSrs, '-output_xy'];
  const out = execFileSync('gdaltransform', args, { input: points.map((p) => `${p[0]} ${p[1]}`).join('\n') + '\n', encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
}

/** gdalbuildvrt -separate -resolution highest over single-band files, into `out`. */
export function gdalBuildVrtSeparate(out: string, files: string[], resampling = 'nearest'): void {
  run('gdalbuildvrt', ['-q', '-separate', '-resolution', 'highest', '-r', resampling, out, ...files]);
}

/** gdal_translate with arbitrary arguments (creating fixtures). */
export function gdalTranslate(args: string[]): void {
  run('gdal_translate', ['-q', ...args]);
}

/** gdalwarp with arbitrary arguments (creating fixtures). */
export function gdalWarp(args: string[]): void {
  run('gdalwarp', ['-q', ...args]);
}

/** gdaladdo with arbitrary arguments. */
export function gdalAddo(args: string[]): void {
  run('gdaladdo', ['-q', ...args]);
}

export interface OracleStats {
  min: number;
  max: number;
  mean: number;
  p2: number;
  p98: number;
  count: number;
}

const STATS_PY = `
import sys, json, numpy as np
from osgeo import gdal
ds = gdal.Open(sys.argv[1]); w = int(sys.argv[2]); h = int(sys.argv[3])
out = []
for b in range(1, ds.RasterCount + 1):
    band = ds.GetRasterBand(b)
    raw = band.ReadAsArray(buf_xsize=w, buf_ysize=h)
    a = raw.astype('float64').ravel()
    nd = band.GetNoDataValue()
    ok = ~np.isnan(a)
    if nd is not None:
        ok &= a != np.asarray(nd, dtype=raw.dtype).astype('float64')
    v = a[ok]
    out.append(dict(min=float(v.min()), max=float(v.max()), mean=float(v.mean()),
                    p2=float(np.percentile(v, 2)), p98=float(np.percentile(v, 98)), count=int(v.size)))
print(json.dumps(out))
`;

/**
 * Per-band statistics of a w x h nearest-neighbour read by GDAL's Python bindings, with
 * numpy (percentiles interpolated linearly, numpy's default). Debian's python3 has them.
 */
export function gdalNumpyStats(path: string, w: number, h: number): OracleStats[] {
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', STATS_PY, path, String(w), String(h)], { encoding: 'utf8' })) as OracleStats[];
}

/** gdallocationinfo -geoloc: the pixel (col, row) GDAL finds for a coordinate in the file's CRS. */
export function gdalPixelOf(path: string, x: number, y: number): [number, number] {
  const out = run('gdallocationinfo', ['-geoloc', path, String(x), String(y)]);
  const m = /Location: \((-?\d+)P,(-?\d+)L\)/.exec(out);
  if (!m) throw new Error(`gdallocationinfo gave no location: ${out}`);
  return [Number(m[1]), Number(m[2])];
}
