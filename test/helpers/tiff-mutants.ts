/**
 * Seeded mutants of real TIFFs for the raster fuzz suite and bench. The structure is
 * found by a parser of its own (not the reader under test), so the mutations aim where
 * readers break: directory entries (counts, types, value offsets), size and layout tags,
 * next-directory pointers (loops), the header's first-directory pointer, plus blind byte
 * flips and truncation. The same seed gives the same mutants, byte for byte.
 */
import { seededRandom } from '../../main/tasks/index.ts';

interface Entry {
  /** Byte position of the entry in the file. */
  at: number;
  tag: number;
  type: number;
}

interface Layout {
  le: boolean;
  big: boolean;
  /** Position of each directory's next pointer, and each directory's own offset. */
  nextAt: number[];
  dirs: number[];
  entries: Entry[];
}

function layout(b: Buffer): Layout {
  const le = b[0] === 0x49;
  const u16 = (p: number) => (le ? b.readUInt16LE(p) : b.readUInt16BE(p));
  const u32 = (p: number) => (le ? b.readUInt32LE(p) : b.readUInt32BE(p));
  const u64 = (p: number) => Number(le ? b.readBigUInt64LE(p) : b.readBigUInt64BE(p));
  const big = u16(2) === 43;
  const out: Layout = { le, big, nextAt: [], dirs: [], entries: [] };
  let off = big ? u64(8) : u32(4);
  while (off && off < b.length && out.dirs.length < 64) {
    out.dirs.push(off);
    const n = big ? u64(off) : u16(off);
    const first = off + (big ? 8 : 2);
    const size = big ? 20 : 12;
    for (let i = 0; i < n; i++) out.entries.push({ at: first + i * size, tag: u16(first + i * size), type: u16(first + i * size + 2) });
    const nextAt = first + n * size;
    out.nextAt.push(nextAt);
    off = big ? u64(nextAt) : u32(nextAt);
  }
  return out;
}

export interface Mutant {
  kind: string;
  bytes: Buffer;
}

type Op = (b: Buffer, l: Layout, r: () => number) => string;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const HUGE = [0x3fffffff, 0xffffffff, 0x7fffffff, 0x10000000, 0x00ffffff, 65535, 65536];
/** Tags whose values decide the layout: sizes, sample description, blocks. */
const LAYOUT_TAGS = [256, 257, 258, 259, 262, 273, 277, 278, 279, 284, 317, 322, 323, 324, 325, 339];

function writeCount(b: Buffer, l: Layout, e: Entry, v: number): void {
  if (l.big) (l.le ? b.writeBigUInt64LE(BigInt(v), e.at + 4) : b.writeBigUInt64BE(BigInt(v), e.at + 4));
  else (l.le ? b.writeUInt32LE(v >>> 0, e.at + 4) : b.writeUInt32BE(v >>> 0, e.at + 4));
}

function writeValue(b: Buffer, l: Layout, e: Entry, v: number): void {
  const p = e.at + (l.big ? 12 : 8);
  if (l.big) (l.le ? b.writeBigUInt64LE(BigInt(v), p) : b.writeBigUInt64BE(BigInt(v), p));
  else if (e.type === 3) (l.le ? b.writeUInt16LE(v & 0xffff, p) : b.writeUInt16BE(v & 0xffff, p));
  else (l.le ? b.writeUInt32LE(v >>> 0, p) : b.writeUInt32BE(v >>> 0, p));
}

function writePointer(b: Buffer, l: Layout, at: number, v: number): void {
  if (l.big) (l.le ? b.writeBigUInt64LE(BigInt(v), at) : b.writeBigUInt64BE(BigInt(v), at));
  else (l.le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
}

const layoutEntry = (l: Layout, r: () => number): Entry => {
  const xs = l.entries.filter((e) => LAYOUT_TAGS.includes(e.tag));
  return pick(r, xs.length ? xs : l.entries);
};

const ops: Record<string, Op> = {
  'byte flips': (b, _l, r) => {
    const n = 1 + Math.floor(r() * 8);
    // Most of the structure lives in the first few KB (and the directory at the end in some files).
    for (let i = 0; i < n; i++) b[Math.floor(r() * Math.min(b.length, r() < 0.7 ? 4096 : b.length))] ^= 1 << Math.floor(r() * 8);
    return `${n} bits flipped`;
  },
  truncation: () => 'truncated',
  'zeroed offset': (b, l, r) => {
    const e = pick(r, l.entries);
    writeValue(b, l, e, 0);
    return `tag ${e.tag} value 0`;
  },
  'past-EOF offset': (b, l, r) => {
    const e = pick(r, l.entries);
    writeValue(b, l, e, b.length + Math.floor(r() * 1e6));
    return `tag ${e.tag} past EOF`;
  },
  'huge count': (b, l, r) => {
    const e = r() < 0.7 ? layoutEntry(l, r) : pick(r, l.entries);
    const v = pick(r, HUGE);
    writeCount(b, l, e, v);
    return `tag ${e.tag} count ${v}`;
  },
  'huge or zero size': (b, l, r) => {
    const e = layoutEntry(l, r);
    const v = r() < 0.3 ? 0 : pick(r, HUGE);
    writeValue(b, l, e, v);
    return `tag ${e.tag} = ${v}`;
  },
  'directory loop': (b, l, r) => {
    const i = Math.floor(r() * l.nextAt.length);
    const to = l.dirs[Math.floor(r() * (i + 1))];
    writePointer(b, l, l.nextAt[i], to);
    return `directory ${i + 1} -> ${to}`;
  },
  'first pointer garbage': (b, l, r) => {
    const v = pick(r, [0, 4, 1, 7, b.length, b.length + 100, 0xffffffff]);
    writePointer(b, l, l.big ? 8 : 4, v);
    return `first directory at ${v}`;
  },
  'type garbage': (b, l, r) => {
    const e = r() < 0.7 ? layoutEntry(l, r) : pick(r, l.entries);
    const t = pick(r, [0, 14, 15, 19, 99, 0xffff, 2, 5, 11, 12]);
    (l.le ? b.writeUInt16LE(t, e.at + 2) : b.writeUInt16BE(t, e.at + 2));
    return `tag ${e.tag} type ${t}`;
  },
  'entry count garbage': (b, l, r) => {
    const d = pick(r, l.dirs);
    const v = pick(r, [0, 1, 4097, 65535]);
    if (l.big) (l.le ? b.writeBigUInt64LE(BigInt(v), d) : b.writeBigUInt64BE(BigInt(v), d));
    else (l.le ? b.writeUInt16LE(v, d) : b.writeUInt16BE(v, d));
    return `directory at ${d}: ${v} entries`;
  },
};

export const MUTATIONS = Object.keys(ops);

/** `n` mutants of `src`, cycling through every mutation kind. */
export function mutants(src: Buffer, n: number, seed: number): Mutant[] {
  const r = seededRandom(seed);
  const l = layout(src);
  const out: Mutant[] = [];
  for (let i = 0; i < n; i++) {
    const kind = MUTATIONS[(i + seed) % MUTATIONS.length];
    let b = Buffer.from(src);
    if (kind === 'truncation') {
      b = b.subarray(0, 8 + Math.floor(r() * (b.length - 8)));
      out.push({ kind, bytes: Buffer.from(b) });
      continue;
    }
    const what = ops[kind](b, l, r);
    out.push({ kind: `${kind}: ${what}`, bytes: b });
  }
  return out;
}
