/**
 * Size and channel layout of PNG and JPEG files from their headers, so limits are
 * checked before anything is decoded.
 */
import { readFile } from 'node:fs/promises';
import { rasterError } from './errors.ts';

export interface ImageHeader {
  width: number;
  height: number;
  bands: number;
  depth: 8 | 16;
}

export function pngHeader(buf: Buffer, file: string): ImageHeader & { colorType: number } {
  if (buf.length < 33 || buf.toString('latin1', 12, 16) !== 'IHDR') throw rasterError('E_TRUNCATED', file, 'is truncated: the PNG header is incomplete');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const depth = buf[24];
  const colorType = buf[25];
  const bandsByType: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };
  const bands = bandsByType[colorType];
  if (!bands) throw rasterError('E_CORRUPT', file, `has PNG colour type ${colorType}`);
  if (width === 0 || height === 0) throw rasterError('E_CORRUPT', file, `declares a size of ${width} x ${height} px`);
  return { width, height, bands, depth: depth === 16 ? 16 : 8, colorType };
}

export function jpegHeader(buf: Buffer, file: string): ImageHeader {
  let i = 2;
  while (i + 4 <= buf.length) {
    if (buf[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = buf[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const len = buf.readUInt16BE(i + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 10 > buf.length) break;
      const height = buf.readUInt16BE(i + 5);
      const width = buf.readUInt16BE(i + 7);
      const comps = buf[i + 9];
      if (comps !== 1 && comps !== 3) throw rasterError('E_UNSUPPORTED', file, `JPEG with ${comps} colour components (CMYK?) is not supported`);
      if (width === 0 || height === 0) throw rasterError('E_CORRUPT', file, `declares a size of ${width} x ${height} px`);
      return { width, height, bands: comps, depth: 8 };
    }
    if (marker === 0xda) break; // image data before any frame header
    i += 2 + len;
  }
  throw rasterError('E_TRUNCATED', file, 'is truncated or corrupt: no JPEG frame header found');
}

export async function readWhole(file: string): Promise<Buffer> {
  return readFile(file);
}
