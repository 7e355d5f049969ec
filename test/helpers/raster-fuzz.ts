/**
 * The raster fuzz harness shared by test/integration/raster-fuzz.test.ts (a few hundred
 * mutants) and test/bench/raster-fuzz.bench.ts (thousands): real TIFFs from ../shared/data
 * plus GDAL-made BigTIFF, big-endian and COG variants of them, seeded mutants written to a
 * temp folder, GDAL's reading of each (one Python process), and our open + read of each.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../../main/api.ts';
import { openRaster } from '../../main/raster/index.ts';
import { REPO_ROOT, dataPath, gdalTranslate } from './gdal.ts';
import { mutants } from './tiff-mutants.ts';

/** Real files: stripped and tiled, LZW/DEFLATE/none, Byte to Float32, paletted, overviews. */
const REAL = [
  'samples/elev.tif', 'samples/lc.tif', 'samples/meuse.tif', 'samples/olinda_dem_utm25s.tif',
  'samples/L7_ETMs.tif', 'oscd/bercy/imgs_1/B01.tif', 's1s2/sen1floods11/sample/Labels/Spain_7370579_LabelHand.tif',
];

/** The real files and, made here from them by gdal_translate, the layouts they lack. */
export function fuzzSources(tmp: string): string[] {
  const made: [string, string[], string][] = [
    ['bigtiff.tif', ['-co', 'BIGTIFF=YES', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=32', '-co', 'BLOCKYSIZE=32'], 'samples/meuse.tif'],
    ['big-endian.tif', ['-co', 'ENDIANNESS=BIG', '-co', 'COMPRESS=DEFLATE'], 'samples/elev.tif'],
    ['cog.tif', ['-of', 'COG', '-co', 'BLOCKSIZE=128', '-co', 'OVERVIEWS=FORCE_USE_EXISTING', '-co', 'COMPRESS=ZSTD'], 's1s2/sen1floods11/sample/Labels/Spain_7370579_LabelHand.tif'],
    ['separate.tif', ['-co', 'INTERLEAVE=BAND', '-co', 'COMPRESS=PACKBITS', '-srcwin', '0', '0', '120', '100'], 'samples/L7_ETMs.tif'],
  ];
  const out = REAL.map(dataPath);
  for (const [name, co, src] of made) {
    const f = join(tmp, name);
    gdalTranslate([...co, dataPath(src), f]);
    out.push(f);
  }
  return out;
}

export interface FuzzCase {
  file: string;
  source: string;
  kind: string;
}

/** `perSource` mutants of every source, written to `dir`; the seed fixes every byte. */
export function writeMutants(sources: string[], perSource: number, seed: number, dir: string): FuzzCase[] {
  const cases: FuzzCase[] = [];
  sources.forEach((source, s) => {
    mutants(readFileSync(source), perSource, seed * 1000 + s).forEach((m, i) => {
      const file = join(dir, `m${s}-${i}.tif`);
      writeFileSync(file, m.bytes);
      cases.push({ file, source, kind: m.kind });
    });
  });
  return cases;
}

export interface GdalRead {
  ok: boolean;
  width?: number;
  height?: number;
  bands?: number;
  type?: string;
  md5?: string[] | null;
  error?: string;
}

export function gdalOracle(files: string[]): Map<string, GdalRead> {
  const r = spawnSync('/usr/bin/python3', [join(REPO_ROOT, 'test/helpers/gdal_fuzz_oracle.py')], {
    input: files.join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`GDAL oracle failed: ${r.stderr}`);
  const out = new Map<string, GdalRead>();
  for (const line of r.stdout.trim().split('\n')) {
    const j = JSON.parse(line) as GdalRead & { path: string };
    out.set(j.path, j);
  }
  return out;
}

export interface OurRead {
  ms: number;
  /** Set when we read the file: its size, bands, type and (for small images) MD5 per band. */
  info?: { width: number; height: number; bands: number; type: string };
  md5?: string[] | null;
  warnings?: readonly string[];
  /** Set when we refused it. */
  error?: unknown;
  /** Refused at open (what `skysense info` reports) rather than while reading pixels. */
  atOpen?: boolean;
}

const FULL_READ_PIXELS = 4_000_000;

/** Open and read as the app does: the whole image when small, else a corner and an overview. */
export async function ourRead(file: string): Promise<OurRead> {
  const t0 = performance.now();
  let opened = false;
  try {
    const r = await openRaster([file]);
    opened = true;
    try {
      const { width, height, bandCount, dataType } = r.info;
      let md5: string[] | null = null;
      if (width * height * bandCount <= FULL_READ_PIXELS) {
        const bands = await r.readWindow({ x: 0, y: 0, width, height });
        md5 = bands.map((b) => createHash('md5').update(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)).digest('hex'));
      } else {
        await r.readWindow({ x: 0, y: 0, width: Math.min(width, 256), height: Math.min(height, 256) });
        await r.readWindow({ x: 0, y: 0, width, height }, { outWidth: 64, outHeight: 64 });
      }
      return { ms: performance.now() - t0, info: { width, height, bands: bandCount, type: dataType }, md5, warnings: r.warnings };
    } finally {
      await r.close();
    }
  } catch (error) {
    return { ms: performance.now() - t0, error, atOpen: !opened };
  }
}

/** Why a refusal is not one of ours ('' when it is: an ApiError, one line, naming the file). */
export function badRefusal(err: unknown, file: string): string {
  if (!(err instanceof ApiError)) return `not an ApiError: ${err instanceof Error ? err.stack : String(err)}`;
  if (err.message.includes('\n')) return `more than one line: ${err.message}`;
  if (!err.message.startsWith(`${file}: `) || err.file !== file) return `does not name the file first: ${err.message}`;
  // Words of geotiff.js and of V8 that once reached the user.
  if (/MAX_SAFE_INTEGER|Please report|is deferred|loadValue|Invalid field type|Invalid array length|Array buffer allocation|RangeError|TypeError/.test(err.message)) {
    return `library text: ${err.message}`;
  }
  return '';
}

/** Peak resident memory of this process so far, MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
