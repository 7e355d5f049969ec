/**
 * Opens a (Geo)TIFF and checks its structure before anything reads pixels: the header,
 * the IFD chain (read up to a loop or a broken directory, with a warning, as GDAL does),
 * supported sample types and compressions, block tables complete and inside the file (a
 * truncated download fails here, at open, with E_TRUNCATED instead of decoding zeros
 * later), and decoded block sizes bounded. Every directory and tag is read by our own
 * bounded reads (tiff-dir.ts, tiff-values.ts); geotiff.js only decodes blocks.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { DataType } from '../api.ts';
import { asRasterError, problemOf } from './errors.ts';
import { Tag, tagName } from './tiff-tags.ts';
import { readGhost, readHeader } from './tiff-header.ts';
import { readDirChain } from './tiff-dir.ts';
import { OPEN_BUDGET_BYTES, TiffDir, num, type ReadContext } from './tiff-values.ts';
import { describeSamples, makeLevel, loadScalars, type TiffLevel } from './tiff-level.ts';
import { registerZlibDecoder } from './zlib-decoder.ts';
import { registerLzwDecoder } from './lzw-decoder.ts';
import { registerZstdDecoder } from './zstd-decoder.ts';

export type { TiffLevel } from './tiff-level.ts';
export { arr, str } from './tiff-values.ts';

export interface TiffFile {
  path: string;
  size: number;
  fh: FileHandle;
  littleEndian: boolean;
  bigTiff: boolean;
  levels: TiffLevel[];
  samplesPerPixel: number;
  planar: 1 | 2;
  dataType: DataType;
  /** Samples stored as IEEE half floats; blocks are widened to Float32 (dataType) when decoded. */
  half: boolean;
  compression: number;
  photometric: number;
  /** JPEG-compressed YCbCr: blocks are converted to RGB after decoding, as GDAL does. */
  ycbcrJpeg: boolean;
  /** GDAL's COG ghost-area values (LAYOUT=COG ...) when present. */
  ghost: Record<string, unknown> | null;
  /** Full-resolution IFD (tags for georeferencing and metadata). */
  main: TiffDir;
  /** What was read past or left out, one line each, naming the file (GDAL's warnings). */
  warnings: string[];
}

/**
 * Metadata tags of the full-resolution image: not needed to read pixels, so one that is
 * broken is left out with a warning (as libtiff does: "tag ignored"), not fatal.
 */
const METADATA: [number, 'integer' | 'numeric' | 'text', number?][] = [
  [Tag.GeoKeyDirectory, 'integer'], [Tag.GeoDoubleParams, 'numeric'], [Tag.GeoAsciiParams, 'text'],
  [Tag.ModelPixelScale, 'numeric', 3], [Tag.ModelTiepoint, 'numeric'], [Tag.ModelTransformation, 'numeric', 16],
  [Tag.GdalMetadata, 'text'], [Tag.GdalNodata, 'text'], [Tag.DateTime, 'text', 64],
];

export async function openTiff(path: string, size: number): Promise<TiffFile> {
  registerZlibDecoder();
  registerLzwDecoder();
  registerZstdDecoder();
  const fh = await open(path, 'r');
  try {
    const header = await readHeader(fh, size, path);
    const chain = await readDirChain(fh, header, size, path);
    const warnings = [...chain.warnings];
    const ctx: ReadContext = { fh, fileSize: size, littleEndian: header.littleEndian, file: path, budget: { left: OPEN_BUDGET_BYTES } };
    const main = new TiffDir(chain.dirs[0], ctx);
    const desc = await describeSamples(main, path);
    const levels: TiffLevel[] = [await makeLevel(main, desc, size, path)];
    for (const [t, kind, max] of METADATA) {
      try {
        await main.load(t, kind, max);
      } catch (err) {
        warnings.push(`${path}: ${tagName(t)} left out: ${problemOf(err, path)}`);
      }
    }
    await loadColorMap(main, desc.bits[0], num(main, Tag.Photometric, 1), warnings, path);
    for (const [i, raw] of chain.dirs.slice(1).entries()) {
      const ifd = new TiffDir(raw, ctx);
      try {
        await loadScalars(ifd);
        const subfile = num(ifd, Tag.NewSubfileType, 0);
        // Overviews are reduced-resolution images (bit 0) that are not masks (bit 2).
        if ((subfile & 1) !== 1 || (subfile & 4) !== 0) continue;
        if (num(ifd, Tag.SamplesPerPixel, 1) !== desc.samplesPerPixel) continue;
        levels.push(await makeLevel(ifd, await describeSamples(ifd, path), size, path));
      } catch (err) {
        // A broken overview leaves the full-resolution image readable: skip it, say so.
        warnings.push(`${path}: image ${i + 2} left out: ${problemOf(err, path)}`);
      }
    }
    levels.sort((a, b) => b.width - a.width);
    const photometric = num(main, Tag.Photometric, 1);
    return {
      path,
      size,
      fh,
      littleEndian: header.littleEndian,
      bigTiff: header.bigTiff,
      levels,
      samplesPerPixel: desc.samplesPerPixel,
      planar: desc.planar,
      dataType: desc.dataType,
      half: desc.half,
      compression: desc.compression,
      photometric,
      ycbcrJpeg: desc.compression === 7 && photometric === 6 && desc.samplesPerPixel === 3 && desc.planar === 1,
      ghost: await readGhost(fh, header, size),
      main,
      warnings,
    };
  } catch (err) {
    await fh.close();
    throw asRasterError(err, path);
  }
}

/** A palette's ColorMap has 3 x 2^bits entries; another count is ignored, as libtiff does. */
async function loadColorMap(main: TiffDir, bits: number, photometric: number, warnings: string[], path: string): Promise<void> {
  if (photometric !== 3 || !main.has(Tag.ColorMap)) return;
  const want = bits <= 16 ? 3 * 2 ** bits : 0;
  if (main.count(Tag.ColorMap) !== want) {
    warnings.push(`${path}: ${tagName(Tag.ColorMap)} left out: it has ${main.count(Tag.ColorMap)} values, ${bits}-bit samples need ${want}`);
    return;
  }
  try {
    await main.load(Tag.ColorMap, 'integer');
  } catch (err) {
    warnings.push(`${path}: ${tagName(Tag.ColorMap)} left out: ${problemOf(err, path)}`);
  }
}

/** The full-resolution image's tags, for readers that need no pixels (acquisition dates). */
export async function readTiffTags(path: string, size: number, tags: number[]): Promise<Map<number, string | ArrayLike<number>>> {
  const fh = await open(path, 'r');
  try {
    const header = await readHeader(fh, size, path);
    const chain = await readDirChain(fh, header, size, path);
    const dir = new TiffDir(chain.dirs[0], { fh, fileSize: size, littleEndian: header.littleEndian, file: path, budget: { left: OPEN_BUDGET_BYTES } });
    const out = new Map<number, string | ArrayLike<number>>();
    for (const t of tags) {
      if (!dir.has(t)) continue;
      const e = chain.dirs[0].entries.get(t)!;
      await dir.load(t, e.type === 2 ? 'text' : 'numeric');
      const v = dir.get(t);
      if (v !== undefined) out.set(t, v);
    }
    return out;
  } catch (err) {
    throw asRasterError(err, path);
  } finally {
    await fh.close();
  }
}

