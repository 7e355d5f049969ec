/**
 * GDAL data type names <-> TIFF SampleFormat/BitsPerSample <-> JS typed arrays.
 * Kept in one table so the reader and the writer cannot disagree.
 */
import type { DataType } from '../api.ts';
import type { NumericArray } from './types.ts';

interface TypeDef {
  name: DataType;
  /** TIFF SampleFormat: 1 unsigned int, 2 signed int, 3 IEEE float. */
  sampleFormat: 1 | 2 | 3;
  bits: 8 | 16 | 32 | 64;
  make: (n: number) => NumericArray;
  view: (buf: ArrayBufferLike, byteOffset?: number, length?: number) => NumericArray;
}

const defs: TypeDef[] = [
  { name: 'Byte', sampleFormat: 1, bits: 8, make: (n) => new Uint8Array(n), view: (b, o, l) => new Uint8Array(b, o, l) },
  { name: 'Int8', sampleFormat: 2, bits: 8, make: (n) => new Int8Array(n), view: (b, o, l) => new Int8Array(b, o, l) },
  { name: 'UInt16', sampleFormat: 1, bits: 16, make: (n) => new Uint16Array(n), view: (b, o, l) => new Uint16Array(b, o, l) },
  { name: 'Int16', sampleFormat: 2, bits: 16, make: (n) => new Int16Array(n), view: (b, o, l) => new Int16Array(b, o, l) },
  { name: 'UInt32', sampleFormat: 1, bits: 32, make: (n) => new Uint32Array(n), view: (b, o, l) => new Uint32Array(b, o, l) },
  { name: 'Int32', sampleFormat: 2, bits: 32, make: (n) => new Int32Array(n), view: (b, o, l) => new Int32Array(b, o, l) },
  { name: 'Float32', sampleFormat: 3, bits: 32, make: (n) => new Float32Array(n), view: (b, o, l) => new Float32Array(b, o, l) },
  { name: 'Float64', sampleFormat: 3, bits: 64, make: (n) => new Float64Array(n), view: (b, o, l) => new Float64Array(b, o, l) },
];

export function typeDef(name: DataType): TypeDef {
  const d = defs.find((t) => t.name === name);
  if (!d) throw new Error(`unknown data type ${name}`);
  return d;
}

/**
 * The GDAL type for a TIFF sample description, or null when we do not read it. 16-bit
 * floats (half precision) read as Float32, as GDAL before 3.11 reports them: see
 * isHalfFloat and float16.ts.
 */
export function typeFromTiff(sampleFormat: number, bits: number): DataType | null {
  if (isHalfFloat(sampleFormat, bits)) return 'Float32';
  const d = defs.find((t) => t.sampleFormat === sampleFormat && t.bits === bits);
  return d ? d.name : null;
}

/** IEEE half precision samples (BitsPerSample 16, SampleFormat 3): widened to Float32 when decoded. */
export function isHalfFloat(sampleFormat: number, bits: number): boolean {
  return sampleFormat === 3 && bits === 16;
}

export function bytesPerSample(name: DataType): number {
  return typeDef(name).bits / 8;
}

export function makeArray(name: DataType, n: number): NumericArray {
  return typeDef(name).make(n);
}

export function isFloat(name: DataType): boolean {
  return name === 'Float32' || name === 'Float64';
}

/** The smallest type that holds every value of all the given types (band sets with mixed types). */
export function commonType(types: DataType[]): DataType {
  const uniq = [...new Set(types)];
  if (uniq.length === 1) return uniq[0];
  const ints = uniq.filter((t) => !isFloat(t));
  const maxIntBits = Math.max(0, ...ints.map((t) => typeDef(t).bits));
  if (uniq.includes('Float64') || maxIntBits > 16) return 'Float64';
  return 'Float32';
}

/** Value range a type can hold (used to keep nodata fills and averages in range). */
export function typeRange(name: DataType): [number, number] {
  switch (name) {
    case 'Byte': return [0, 255];
    case 'Int8': return [-128, 127];
    case 'UInt16': return [0, 65535];
    case 'Int16': return [-32768, 32767];
    case 'UInt32': return [0, 4294967295];
    case 'Int32': return [-2147483648, 2147483647];
    default: return [-Infinity, Infinity];
  }
}
