/**
 * TIFF LZW decoding into a preallocated block. geotiff.js 3.0.5's LZW decoder appends
 * every byte to a JS array, which makes large many-band tiles take seconds (README,
 * Benchmarks: decoders). Codes are MSB-first, 9 to 12
 * bits, with TIFF's "early change" (the width grows one code before the table is full).
 */
import { addDecoder, BaseDecoder } from 'geotiff';
import { decodedBlockBytes } from './decoded-block.ts';

const CLEAR = 256;
const EOI = 257;

export function lzwDecode(input: Uint8Array, maxBytes: number): Uint8Array {
  if (input.length >= 2 && input[0] === 0 && (input[1] & 1) === 1) {
    throw new Error('old-style (pre-libtiff 5) LZW is not supported');
  }
  const out = new Uint8Array(maxBytes);
  const prefix = new Int16Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    first[i] = i;
    length[i] = 1;
    prefix[i] = -1;
  }
  let pos = 0;
  let width = 9;
  let next = 258;
  let old = -1;
  let bitBuf = 0;
  let bitCount = 0;
  let inPos = 0;

  const emit = (code: number): void => {
    const len = length[code];
    const end = Math.min(pos + len, maxBytes);
    let c = code;
    for (let i = pos + len - 1; i >= pos; i--) {
      if (i < end) out[i] = suffix[c];
      c = prefix[c];
    }
    pos = end;
  };

  while (pos < maxBytes) {
    while (bitCount < width) {
      if (inPos >= input.length) return out.subarray(0, pos);
      bitBuf = ((bitBuf << 8) | input[inPos++]) >>> 0;
      bitCount += 8;
    }
    const code = (bitBuf >>> (bitCount - width)) & ((1 << width) - 1);
    bitCount -= width;
    bitBuf &= (1 << bitCount) - 1;
    if (code === EOI) break;
    if (code === CLEAR) {
      width = 9;
      next = 258;
      old = -1;
      continue;
    }
    if (old === -1) {
      if (code > 255) throw new Error(`LZW stream starts with code ${code}`);
      emit(code);
      old = code;
      continue;
    }
    let firstChar: number;
    if (code < next) {
      firstChar = first[code];
      emit(code);
    } else if (code === next) {
      firstChar = first[old];
    } else {
      throw new Error(`LZW code ${code} is beyond the table (${next})`);
    }
    if (next < 4096) {
      prefix[next] = old;
      suffix[next] = firstChar;
      first[next] = first[old];
      length[next] = length[old] + 1;
      if (code === next) emit(next);
      next++;
      if (next + 1 >= 1 << width && width < 12) width++;
    } else if (code === next) {
      throw new Error('LZW table overflow');
    }
    old = code;
  }
  return out.subarray(0, pos);
}

class FastLzwDecoder extends BaseDecoder {
  decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const out = lzwDecode(new Uint8Array(buffer), decodedBlockBytes(this.parameters));
    return out.byteLength === out.buffer.byteLength ? out.buffer : out.slice().buffer;
  }
}

let registered = false;

export function registerLzwDecoder(): void {
  if (registered) return;
  addDecoder(5, async () => FastLzwDecoder, undefined, false);
  registered = true;
}
