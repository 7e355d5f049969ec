/**
 * Tag values of one directory, read only for the tags the reader uses and only as many
 * values as the image they describe needs. Before any read, each value's declared size
 * is checked against the file (a count that runs past the end refuses the file, naming
 * the tag) and charged to the open's memory budget, so a wrong count costs nothing.
 */
import type { FileHandle } from 'node:fs/promises';
import { rasterError } from './errors.ts';
import { readAt } from './tiff-header.ts';
import { typeSize, type RawDir, type RawEntry } from './tiff-dir.ts';
import { tagName } from './tiff-tags.ts';

/** What one open may spend on tag values, all directories together. */
export const OPEN_BUDGET_BYTES = 128 * 1024 * 1024;

export interface ReadContext {
  fh: FileHandle;
  fileSize: number;
  littleEndian: boolean;
  file: string;
  /** Bytes of the budget still unspent. */
  budget: { left: number };
}

export type TagValue = ArrayLike<number> | string;

const INTEGER = new Set([1, 3, 4, 6, 8, 9, 16, 17]);
const NUMERIC = new Set([...INTEGER, 5, 10, 11, 12]);
const TEXT = new Set([1, 2, 6, 7]);

export type Kind = 'integer' | 'numeric' | 'text' | 'bytes';

const typeNames: Record<number, string> = { 1: 'BYTE', 2: 'ASCII', 3: 'SHORT', 4: 'LONG', 5: 'RATIONAL', 6: 'SBYTE', 7: 'UNDEFINED', 8: 'SSHORT', 9: 'SLONG', 10: 'SRATIONAL', 11: 'FLOAT', 12: 'DOUBLE', 13: 'IFD', 16: 'LONG8', 17: 'SLONG8', 18: 'IFD8' };

/** One directory: its raw entries and the values read so far. */
export class TiffDir {
  private readonly values = new Map<number, TagValue>();

  constructor(readonly raw: RawDir, private readonly ctx: ReadContext) {}

  get littleEndian(): boolean {
    return this.ctx.littleEndian;
  }

  has(tag: number): boolean {
    return this.raw.entries.has(tag);
  }

  get(tag: number): TagValue | undefined {
    return this.values.get(tag);
  }

  /** Declared number of values of a tag (0 when absent). */
  count(tag: number): number {
    return this.raw.entries.get(tag)?.count ?? 0;
  }

  /**
   * Reads at most `max` values of `tag` (all of them when max is omitted); the whole
   * declared value must still lie inside the file.
   */
  async load(tag: number, kind: Kind, max = Number.POSITIVE_INFINITY): Promise<void> {
    const e = this.raw.entries.get(tag);
    if (!e || this.values.has(tag)) return;
    const { file, fileSize } = this.ctx;
    const size = typeSize(e.type);
    if (size === 0) throw rasterError('E_CORRUPT', file, `is corrupt: ${tagName(tag)} has field type ${e.type}, which TIFF does not define`);
    const allowed = kind === 'integer' ? INTEGER : kind === 'numeric' ? NUMERIC : TEXT;
    if (!allowed.has(e.type)) {
      throw rasterError('E_CORRUPT', file, `is corrupt: ${tagName(tag)} is stored as ${typeNames[e.type]}, where ${kind === 'integer' ? 'an integer type' : kind === 'numeric' ? 'a number type' : 'text or bytes'} belongs`);
    }
    if (e.count === 0) throw rasterError('E_CORRUPT', file, `is corrupt: ${tagName(tag)} has no values`);
    const declared = e.count * size;
    // More than the whole file cannot be a cut download: the count is wrong.
    if (!e.inline && declared > fileSize) {
      throw rasterError('E_CORRUPT', file, `is corrupt: ${tagName(tag)} declares ${e.count} values (${bytesText(declared)}), more than the whole ${fileSize}-byte file`);
    }
    if (!e.inline && e.valueAt < 8) throw rasterError('E_CORRUPT', file, `is corrupt: ${tagName(tag)} points to byte ${e.valueAt}, inside the file header`);
    if (!e.inline && e.valueAt + declared > fileSize) {
      throw rasterError('E_TRUNCATED', file, `is truncated: ${tagName(tag)} runs to byte ${e.valueAt + declared} but the file has ${fileSize}`);
    }
    const n = Math.min(e.count, max);
    // Decoded values are 8 bytes each at most (Float64Array), text 1.
    const cost = kind === 'text' || kind === 'bytes' ? n : n * 8;
    if (cost > this.ctx.budget.left) {
      throw rasterError('E_TOO_LARGE', file, `${tagName(tag)} holds ${e.count} values (${bytesText(declared)}), more than one open may read (${bytesText(OPEN_BUDGET_BYTES)} in all)`);
    }
    this.ctx.budget.left -= cost;
    const rational = e.type === 5 || e.type === 10;
    const buf = await readAt(this.ctx.fh, e.valueAt, n * size, fileSize);
    this.values.set(tag, decode(buf, e, n, this.ctx.littleEndian, kind, rational));
  }
}

function decode(buf: Buffer, e: RawEntry, n: number, le: boolean, kind: Kind, rational: boolean): TagValue {
  if (kind === 'text') return new TextDecoder('utf-8').decode(buf);
  if (kind === 'bytes') return new Uint8Array(buf);
  const out = new Float64Array(n);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < n; i++) {
    switch (e.type) {
      case 1: out[i] = dv.getUint8(i); break;
      case 6: out[i] = dv.getInt8(i); break;
      case 3: out[i] = dv.getUint16(i * 2, le); break;
      case 8: out[i] = dv.getInt16(i * 2, le); break;
      case 4: out[i] = dv.getUint32(i * 4, le); break;
      case 9: out[i] = dv.getInt32(i * 4, le); break;
      case 11: out[i] = dv.getFloat32(i * 4, le); break;
      case 12: out[i] = dv.getFloat64(i * 8, le); break;
      case 16: out[i] = Number(dv.getBigUint64(i * 8, le)); break;
      case 17: out[i] = Number(dv.getBigInt64(i * 8, le)); break;
      default:
        if (rational) {
          const num = e.type === 5 ? dv.getUint32(i * 8, le) : dv.getInt32(i * 8, le);
          const den = e.type === 5 ? dv.getUint32(i * 8 + 4, le) : dv.getInt32(i * 8 + 4, le);
          out[i] = num / den;
        }
    }
  }
  return out;
}

function bytesText(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${n} bytes`;
}

export function num(dir: TiffDir, tag: number, dflt: number): number {
  const v = dir.get(tag);
  return v !== undefined && typeof v !== 'string' && v.length > 0 ? v[0] : dflt;
}

export function arr(dir: TiffDir, tag: number): ArrayLike<number> | null {
  const v = dir.get(tag);
  return v !== undefined && typeof v !== 'string' ? v : null;
}

export function str(dir: TiffDir, tag: number): string | null {
  const v = dir.get(tag);
  return typeof v === 'string' ? v.replace(/\0+$/, '') : null;
}
