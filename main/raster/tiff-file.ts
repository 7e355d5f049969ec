/**
 * Opens a (Geo)TIFF and checks its structure before anything reads pixels: the IFD
 * chain (no loops, inside the file), supported sample types and compressions, block
 * tables complete and inside the file (a truncated download fails here, at open, with
 * E_TRUNCATED instead of decoding zeros later), and decoded block sizes bounded.
 * geotiff.js parses the IFDs; block bytes are read through our own file handle.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { fromFile, getDecoder, type GeoTIFF, type ImageFileDirectory } from 'geotiff';
import type { DataType } from '../api.ts';
import { asRasterError, rasterError } from './errors.ts';
import { isHalfFloat, typeFromTiff } from './data-type.ts';
import { Tag, compressionNames } from './tiff-tags.ts';
import { actualizeArrays } from './tiff-arrays.ts';
import { MAX_BLOCK_BYTES, registerZlibDecoder } from './zlib-decoder.ts';
import { registerLzwDecoder } from './lzw-decoder.ts';

const MAX_IFDS = 64;
const MAX_SIDE = 1 << 24;
const SUPPORTED_COMPRESSIONS = new Set([1, 5, 7, 8, 32946, 32773, 34887, 50000, 50001]);

export interface BlockDecoder {
  decode(buffer: ArrayBufferLike): Promise<ArrayBufferLike>;
}

/** One image of the file: the full-resolution one or a reduced-resolution overview. */
export interface TiffLevel {
  ifd: ImageFileDirectory;
  width: number;
  height: number;
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
  blocksAcross: number;
  blocksDown: number;
  offsets: ArrayLike<number>;
  byteCounts: ArrayLike<number>;
  decoder: BlockDecoder;
}

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
  main: ImageFileDirectory;
}

export async function openTiff(path: string, size: number): Promise<TiffFile> {
  registerZlibDecoder();
  registerLzwDecoder();
  const fh = await open(path, 'r');
  let tiff: GeoTIFF | null = null;
  try {
    try {
      tiff = await fromFile(path);
    } catch (err) {
      throw asRasterError(err, path);
    }
    const ifds = await walkIfds(tiff, fh, size, path);
    const main = ifds[0];
    await actualizeArrays(main, fh, size, tiff.littleEndian, path);
    for (const t of [Tag.GdalMetadata, Tag.GeoAsciiParams, Tag.GeoDoubleParams, Tag.ModelTiepoint, Tag.ModelTransformation, Tag.JPEGTables, Tag.LercParameters]) {
      if (main.hasTag(t)) await main.loadValue(t);
    }
    const desc = describeSamples(main, path);
    if (!tiff.littleEndian && num(main, Tag.Predictor, 1) !== 1) {
      throw rasterError('E_UNSUPPORTED', path, 'big-endian TIFF with a predictor is not supported');
    }
    const levels: TiffLevel[] = [await makeLevel(main, desc, fh, size, tiff.littleEndian, path)];
    for (const ifd of ifds.slice(1)) {
      const subfile = num(ifd, Tag.NewSubfileType, 0);
      // Overviews are reduced-resolution images (bit 0) that are not masks (bit 2).
      if ((subfile & 1) !== 1 || (subfile & 4) !== 0) continue;
      if (num(ifd, Tag.SamplesPerPixel, 1) !== desc.samplesPerPixel) continue;
      await actualizeArrays(ifd, fh, size, tiff.littleEndian, path);
      for (const t of [Tag.JPEGTables, Tag.LercParameters]) if (ifd.hasTag(t)) await ifd.loadValue(t);
      levels.push(await makeLevel(ifd, describeSamples(ifd, path), fh, size, tiff.littleEndian, path));
    }
    levels.sort((a, b) => b.width - a.width);
    let ghost: Record<string, unknown> | null = null;
    try {
      ghost = await tiff.getGhostValues();
    } catch {
      ghost = null;
    }
    return {
      path,
      size,
      fh,
      littleEndian: tiff.littleEndian,
      bigTiff: tiff.bigTiff,
      levels,
      samplesPerPixel: desc.samplesPerPixel,
      planar: desc.planar,
      dataType: desc.dataType,
      half: desc.half,
      compression: desc.compression,
      photometric: num(main, Tag.Photometric, 1),
      ycbcrJpeg: desc.compression === 7 && num(main, Tag.Photometric, 1) === 6 && desc.samplesPerPixel === 3 && desc.planar === 1,
      ghost,
      main,
    };
  } catch (err) {
    await fh.close();
    throw asRasterError(err, path);
  } finally {
    try {
      await tiff?.close();
    } catch {
      // the parser's own descriptor; nothing to report
    }
  }
}

/** Follows the IFD chain with loop and bounds checks (geotiff.js trusts every offset). */
async function walkIfds(tiff: GeoTIFF, fh: FileHandle, size: number, path: string): Promise<ImageFileDirectory[]> {
  const seen = new Set<number>();
  const out: ImageFileDirectory[] = [];
  let offset = tiff.firstIFDOffset;
  for (let i = 0; ; i++) {
    if (offset < 8 || offset >= size) {
      if (i === 0) throw rasterError('E_TRUNCATED', path, `is truncated: its first image directory is at byte ${offset} but the file has ${size}`);
      break; // a dangling next-IFD pointer after valid images: keep what we have, as GDAL does
    }
    if (seen.has(offset)) throw rasterError('E_CORRUPT', path, `image directories form a loop at byte ${offset}`);
    if (i >= MAX_IFDS) throw rasterError('E_UNSUPPORTED', path, `has more than ${MAX_IFDS} images`);
    seen.add(offset);
    const entriesEnd = await ifdEnd(fh, offset, tiff.bigTiff, tiff.littleEndian);
    if (entriesEnd > size) {
      if (i === 0) throw rasterError('E_TRUNCATED', path, `is truncated: its image directory runs to byte ${entriesEnd} but the file has ${size}`);
      break;
    }
    const image = await tiff.getImage(i);
    out.push(image.fileDirectory);
    offset = image.fileDirectory.nextIFDByteOffset;
    if (!offset) break;
  }
  return out;
}

async function ifdEnd(fh: FileHandle, offset: number, bigTiff: boolean, le: boolean): Promise<number> {
  const b = Buffer.alloc(8);
  await fh.read(b, 0, bigTiff ? 8 : 2, offset);
  const n = bigTiff ? Number(le ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0)) : le ? b.readUInt16LE(0) : b.readUInt16BE(0);
  return bigTiff ? offset + 8 + n * 20 + 8 : offset + 2 + n * 12 + 4;
}

interface SampleDesc {
  samplesPerPixel: number;
  planar: 1 | 2;
  dataType: DataType;
  half: boolean;
  bits: number[];
  compression: number;
}

function describeSamples(ifd: ImageFileDirectory, path: string): SampleDesc {
  const width = num(ifd, Tag.ImageWidth, 0);
  const height = num(ifd, Tag.ImageLength, 0);
  if (width <= 0 || height <= 0) throw rasterError('E_CORRUPT', path, `declares a size of ${width} x ${height} px`);
  if (width > MAX_SIDE || height > MAX_SIDE) throw rasterError('E_TOO_LARGE', path, `declares ${width} x ${height} px, beyond the ${MAX_SIDE} px limit per side`);
  const spp = num(ifd, Tag.SamplesPerPixel, 1);
  if (spp < 1 || spp > 65535) throw rasterError('E_CORRUPT', path, `declares ${spp} samples per pixel`);
  const bits = Array.from(arr(ifd, Tag.BitsPerSample) ?? [1]);
  const formats = Array.from(arr(ifd, Tag.SampleFormat) ?? [1]);
  const b0 = bits[0];
  const f0 = formats[0];
  if (bits.some((b) => b !== b0) || formats.some((f) => f !== f0)) {
    throw rasterError('E_UNSUPPORTED', path, 'mixes sample types between bands');
  }
  const dataType = typeFromTiff(f0, b0);
  if (!dataType) {
    const kind = f0 === 3 ? 'float' : f0 === 2 ? 'signed integer' : f0 === 1 ? 'unsigned integer' : `format ${f0}`;
    throw rasterError('E_UNSUPPORTED', path, `${b0}-bit ${kind} samples are not supported`);
  }
  const compression = num(ifd, Tag.Compression, 1);
  if (!SUPPORTED_COMPRESSIONS.has(compression)) {
    throw rasterError('E_UNSUPPORTED', path, `TIFF compression ${compression} is not supported`);
  }
  const planar = num(ifd, Tag.PlanarConfiguration, 1) === 2 && spp > 1 ? 2 : 1;
  return { samplesPerPixel: spp, planar, dataType, half: isHalfFloat(f0, b0), bits: Array.from({ length: spp }, () => b0), compression };
}

async function makeLevel(
  ifd: ImageFileDirectory,
  desc: SampleDesc,
  fh: FileHandle,
  size: number,
  le: boolean,
  path: string,
): Promise<TiffLevel> {
  await actualizeArrays(ifd, fh, size, le, path);
  const width = num(ifd, Tag.ImageWidth, 0);
  const height = num(ifd, Tag.ImageLength, 0);
  const tiled = ifd.hasTag(Tag.TileWidth);
  const blockWidth = tiled ? num(ifd, Tag.TileWidth, 0) : width;
  const blockHeight = tiled ? num(ifd, Tag.TileLength, 0) : Math.min(num(ifd, Tag.RowsPerStrip, height) || height, height);
  if (blockWidth <= 0 || blockHeight <= 0) throw rasterError('E_CORRUPT', path, `declares blocks of ${blockWidth} x ${blockHeight} px`);
  const bytes = desc.bits[0] / 8;
  const blockBytes = blockWidth * blockHeight * bytes * (desc.planar === 1 ? desc.samplesPerPixel : 1);
  if (blockBytes > MAX_BLOCK_BYTES) {
    throw rasterError('E_TOO_LARGE', path, `one ${tiled ? 'tile' : 'strip'} of ${blockWidth} x ${blockHeight} px would need ${Math.round(blockBytes / 2 ** 20)} MiB to decode`);
  }
  const blocksAcross = Math.ceil(width / blockWidth);
  const blocksDown = Math.ceil(height / blockHeight);
  const expected = blocksAcross * blocksDown * (desc.planar === 2 ? desc.samplesPerPixel : 1);
  const offsets = arr(ifd, tiled ? Tag.TileOffsets : Tag.StripOffsets);
  const byteCounts = arr(ifd, tiled ? Tag.TileByteCounts : Tag.StripByteCounts);
  const what = tiled ? 'tiles' : 'strips';
  if (!offsets || !byteCounts) throw rasterError('E_CORRUPT', path, `has no ${what} offsets or byte counts`);
  if (offsets.length < expected || byteCounts.length < expected) {
    throw rasterError('E_CORRUPT', path, `lists ${Math.min(offsets.length, byteCounts.length)} ${what} but ${width} x ${height} px needs ${expected}`);
  }
  let end = 0;
  for (let i = 0; i < expected; i++) {
    const n = byteCounts[i];
    if (n === 0) continue; // sparse block: GDAL's SPARSE_OK, read as nodata
    end = Math.max(end, offsets[i] + n);
  }
  if (end > size) {
    throw rasterError('E_TRUNCATED', path, `is truncated: its ${what} run to byte ${end} but the file has ${size} bytes`);
  }
  const params: Record<string, unknown> = {
    tileWidth: blockWidth,
    tileHeight: blockHeight,
    planarConfiguration: desc.planar,
    bitsPerSample: desc.bits,
    predictor: num(ifd, Tag.Predictor, 1),
    samplesPerPixel: desc.samplesPerPixel,
  };
  if (ifd.hasTag(Tag.JPEGTables)) params.JPEGTables = await ifd.loadValue(Tag.JPEGTables);
  if (ifd.hasTag(Tag.LercParameters)) params.LercParameters = await ifd.loadValue(Tag.LercParameters);
  let decoder: BlockDecoder;
  try {
    decoder = await getDecoder(desc.compression, params as never);
  } catch (err) {
    throw rasterError('E_UNSUPPORTED', path, `compression ${compressionNames[desc.compression] ?? desc.compression} cannot be decoded (${(err as Error).message})`);
  }
  return { ifd, width, height, tiled, blockWidth, blockHeight, blocksAcross, blocksDown, offsets, byteCounts, decoder };
}

export function num(ifd: ImageFileDirectory, tag: number, dflt: number): number {
  const v = ifd.getValue(tag as never) as unknown;
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && 'length' in (v as object)) return Number((v as ArrayLike<number>)[0]);
  return dflt;
}

export function arr(ifd: ImageFileDirectory, tag: number): ArrayLike<number> | null {
  const v = ifd.getValue(tag as never) as unknown;
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return [v];
  if (typeof v === 'object' && 'length' in (v as object)) return v as ArrayLike<number>;
  return null;
}

export function str(ifd: ImageFileDirectory, tag: number): string | null {
  const v = ifd.getValue(tag as never) as unknown;
  return typeof v === 'string' ? v.replace(/\0+$/, '') : null;
}
