/**
 * One image of a TIFF (full resolution or overview): its structural tags read and
 * checked against each other and the file, in the order that keeps every read bounded:
 * scalars first, then per-sample arrays no longer than SamplesPerPixel, then exactly as
 * many block offsets and sizes as the image's size needs. Nonsense is refused by name.
 */
import { getDecoder } from 'geotiff';
import type { DataType } from '../api.ts';
import { libraryError, rasterError } from './errors.ts';
import { isHalfFloat, typeFromTiff } from './data-type.ts';
import { Tag, compressionNames, tagName } from './tiff-tags.ts';
import { arr, num, type TiffDir } from './tiff-values.ts';
import { MAX_BLOCK_BYTES } from './zlib-decoder.ts';

const MAX_SIDE = 1 << 24;
/** GDAL's own bound on bands (GDALCheckBandCount). */
const MAX_SAMPLES = 65535;
const SUPPORTED_COMPRESSIONS = new Set([1, 5, 7, 8, 32946, 32773, 34887, 50000, 50001]);
const SCALARS = [Tag.NewSubfileType, Tag.ImageWidth, Tag.ImageLength, Tag.Compression, Tag.Photometric, Tag.SamplesPerPixel, Tag.RowsPerStrip, Tag.PlanarConfiguration, Tag.Predictor, Tag.TileWidth, Tag.TileLength];

export interface BlockDecoder {
  decode(buffer: ArrayBufferLike): Promise<ArrayBufferLike>;
}

/** One image of the file: the full-resolution one or a reduced-resolution overview. */
export interface TiffLevel {
  ifd: TiffDir;
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

export interface SampleDesc {
  samplesPerPixel: number;
  planar: 1 | 2;
  dataType: DataType;
  half: boolean;
  bits: number[];
  compression: number;
  predictor: number;
}

/** Reads the scalar tags of a directory (one value each, whatever the count says). */
export async function loadScalars(ifd: TiffDir): Promise<void> {
  for (const t of SCALARS) await ifd.load(t, 'integer', 1);
}

export async function describeSamples(ifd: TiffDir, path: string): Promise<SampleDesc> {
  await loadScalars(ifd);
  const width = num(ifd, Tag.ImageWidth, 0);
  const height = num(ifd, Tag.ImageLength, 0);
  if (!ifd.has(Tag.ImageWidth) || !ifd.has(Tag.ImageLength)) throw rasterError('E_CORRUPT', path, `is corrupt: ${tagName(ifd.has(Tag.ImageWidth) ? Tag.ImageLength : Tag.ImageWidth)} is missing`);
  if (width <= 0 || height <= 0) throw rasterError('E_CORRUPT', path, `declares a size of ${width} x ${height} px`);
  if (width > MAX_SIDE || height > MAX_SIDE) throw rasterError('E_TOO_LARGE', path, `declares ${width} x ${height} px, beyond the ${MAX_SIDE} px limit per side`);
  const spp = num(ifd, Tag.SamplesPerPixel, 1);
  if (spp < 1 || spp > MAX_SAMPLES) throw rasterError('E_CORRUPT', path, `is corrupt: ${tagName(Tag.SamplesPerPixel)} is ${spp}`);
  // libtiff's rule: one value for every sample, or a single one that applies to all.
  for (const t of [Tag.BitsPerSample, Tag.SampleFormat]) {
    const n = ifd.count(t);
    if (n > 1 && n < spp) throw rasterError('E_CORRUPT', path, `is corrupt: ${tagName(t)} lists ${n} values for ${spp} samples per pixel`);
    await ifd.load(t, 'integer', spp);
  }
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
  const planarTag = num(ifd, Tag.PlanarConfiguration, 1);
  if (planarTag !== 1 && planarTag !== 2) throw rasterError('E_CORRUPT', path, `is corrupt: ${tagName(Tag.PlanarConfiguration)} is ${planarTag} (1 or 2)`);
  const predictor = num(ifd, Tag.Predictor, 1);
  if (!ifd.littleEndian && predictor !== 1) throw rasterError('E_UNSUPPORTED', path, 'big-endian TIFF with a predictor is not supported');
  if (predictor !== 1 && predictor !== 2 && predictor !== 3) throw rasterError('E_CORRUPT', path, `is corrupt: ${tagName(Tag.Predictor)} is ${predictor} (1, 2 or 3)`);
  if (ifd.has(Tag.ExtraSamples)) {
    // libtiff refuses more extra samples than samples, or a kind beyond 2 (unassociated alpha).
    if (ifd.count(Tag.ExtraSamples) > spp) throw rasterError('E_CORRUPT', path, `is corrupt: ${tagName(Tag.ExtraSamples)} lists ${ifd.count(Tag.ExtraSamples)} extra samples of ${spp}`);
    await ifd.load(Tag.ExtraSamples, 'integer', spp);
    if (Array.from(arr(ifd, Tag.ExtraSamples) ?? []).some((v) => v > 2)) throw rasterError('E_CORRUPT', path, `is corrupt: ${tagName(Tag.ExtraSamples)} holds a kind other than 0, 1 or 2`);
  }
  const planar = planarTag === 2 && spp > 1 ? 2 : 1;
  return { samplesPerPixel: spp, planar, dataType, half: isHalfFloat(f0, b0), bits: Array.from({ length: spp }, () => b0), compression, predictor };
}

export async function makeLevel(ifd: TiffDir, desc: SampleDesc, size: number, path: string): Promise<TiffLevel> {
  const width = num(ifd, Tag.ImageWidth, 0);
  const height = num(ifd, Tag.ImageLength, 0);
  const tiled = ifd.has(Tag.TileWidth);
  if (!tiled && ifd.has(Tag.RowsPerStrip) && num(ifd, Tag.RowsPerStrip, 0) === 0) {
    throw rasterError('E_CORRUPT', path, `is corrupt: ${tagName(Tag.RowsPerStrip)} is 0`);
  }
  const blockWidth = tiled ? num(ifd, Tag.TileWidth, 0) : width;
  const blockHeight = tiled ? num(ifd, Tag.TileLength, 0) : Math.min(num(ifd, Tag.RowsPerStrip, height), height);
  if (blockWidth <= 0 || blockHeight <= 0) throw rasterError('E_CORRUPT', path, `declares blocks of ${blockWidth} x ${blockHeight} px`);
  const bytes = desc.bits[0] / 8;
  const planeSamples = desc.planar === 1 ? desc.samplesPerPixel : 1;
  const blockBytes = blockWidth * blockHeight * bytes * planeSamples;
  if (blockBytes > MAX_BLOCK_BYTES) {
    throw rasterError('E_TOO_LARGE', path, `one ${tiled ? 'tile' : 'strip'} of ${blockWidth} x ${blockHeight} px would need ${Math.round(blockBytes / 2 ** 20)} MiB to decode`);
  }
  const blocksAcross = Math.ceil(width / blockWidth);
  const blocksDown = Math.ceil(height / blockHeight);
  const expected = blocksAcross * blocksDown * (desc.planar === 2 ? desc.samplesPerPixel : 1);
  const offTag = tiled ? Tag.TileOffsets : Tag.StripOffsets;
  const countTag = tiled ? Tag.TileByteCounts : Tag.StripByteCounts;
  const what = tiled ? 'tiles' : 'strips';
  if (!ifd.has(offTag) || !ifd.has(countTag)) throw rasterError('E_CORRUPT', path, `has no ${what} offsets or byte counts`);
  const listed = Math.min(ifd.count(offTag), ifd.count(countTag));
  if (listed < expected) throw rasterError('E_CORRUPT', path, `lists ${listed} ${what} but ${width} x ${height} px needs ${expected}`);
  await ifd.load(offTag, 'integer', expected);
  await ifd.load(countTag, 'integer', expected);
  const offsets = arr(ifd, offTag)!;
  const byteCounts = arr(ifd, countTag)!;
  checkBlocks(desc, { width, height, tiled, blockWidth, blockHeight, blocksAcross, blocksDown }, offsets, byteCounts, expected, size, path);
  const params: Record<string, unknown> = {
    tileWidth: blockWidth,
    tileHeight: blockHeight,
    planarConfiguration: desc.planar,
    bitsPerSample: desc.bits,
    predictor: desc.predictor,
    samplesPerPixel: desc.samplesPerPixel,
  };
  if (ifd.has(Tag.JPEGTables)) {
    await ifd.load(Tag.JPEGTables, 'bytes');
    params.JPEGTables = ifd.get(Tag.JPEGTables);
  }
  if (ifd.has(Tag.LercParameters)) {
    await ifd.load(Tag.LercParameters, 'integer', 16);
    params.LercParameters = arr(ifd, Tag.LercParameters);
  }
  let decoder: BlockDecoder;
  try {
    decoder = await getDecoder(desc.compression, params as never);
  } catch (err) {
    throw libraryError('E_UNSUPPORTED', path, `compression ${compressionNames[desc.compression] ?? desc.compression} cannot be decoded here`, err);
  }
  return { ifd, width, height, tiled, blockWidth, blockHeight, blocksAcross, blocksDown, offsets, byteCounts, decoder };
}

/**
 * The most each codec's format lets one stored byte decode to: none 1; PackBits 128
 * bytes from a 2-byte run; DEFLATE 1032 (zlib's documented bound); LZW a 12-bit code
 * emits at most a 4094-byte string. ZSTD, JPEG, LERC and WEBP have no such small bound.
 */
const MAX_RATIO: Record<number, number> = { 1: 1, 32773: 64, 8: 1032, 32946: 1032, 5: 2730 };

type Layout = Pick<TiffLevel, 'width' | 'height' | 'tiled' | 'blockWidth' | 'blockHeight' | 'blocksAcross' | 'blocksDown'>;

/**
 * Every block inside the file (a cut download fails at open, not as zeros later); an
 * uncompressed block at least as long as its pixels, as libtiff needs to read it.
 */
function checkBlocks(desc: SampleDesc, l: Layout, offsets: ArrayLike<number>, byteCounts: ArrayLike<number>, expected: number, size: number, path: string): void {
  const what = l.tiled ? 'tiles' : 'strips';
  const rowBytes = l.blockWidth * (desc.bits[0] / 8) * (desc.planar === 1 ? desc.samplesPerPixel : 1);
  let end = 0;
  for (let i = 0; i < expected; i++) {
    const row = Math.floor(i / l.blocksAcross) % l.blocksDown;
    const rows = l.tiled ? l.blockHeight : Math.min(l.blockHeight, l.height - row * l.blockHeight);
    if (byteCounts[i] === 0 && offsets[i] !== 0) {
      // Not GDAL's sparse block (offset and size 0): a lost size. libtiff estimates an
      // uncompressed one from the pixels; a compressed one cannot be.
      if (desc.compression !== 1) throw rasterError('E_CORRUPT', path, `is corrupt: ${what.slice(0, -1)} ${i} at byte ${offsets[i]} has a byte count of 0`);
      (byteCounts as Float64Array)[i] = rows * rowBytes;
    }
    const n = byteCounts[i];
    if (n === 0) continue; // sparse block: GDAL's SPARSE_OK, read as nodata
    end = Math.max(end, offsets[i] + n);
    const ratio = MAX_RATIO[desc.compression];
    if (ratio !== undefined && n * ratio + 1024 < rows * rowBytes) {
      const codec = desc.compression === 1 ? 'uncompressed' : `${compressionNames[desc.compression]}-compressed`;
      throw rasterError('E_CORRUPT', path, `is corrupt: ${codec} ${what.slice(0, -1)} ${i} holds ${n} bytes, which cannot decode to the ${rows * rowBytes} bytes its ${l.blockWidth} x ${rows} px x ${desc.planar === 1 ? desc.samplesPerPixel : 1} samples need`);
    }
  }
  if (end > size) {
    throw rasterError('E_TRUNCATED', path, `is truncated: its ${what} run to byte ${end} but the file has ${size} bytes`);
  }
}
