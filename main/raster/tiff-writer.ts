/**
 * Streaming tiled GeoTIFF writer. Hand-written because geotiff.js's writer builds the
 * whole image in memory (one ArrayBuffer holding every pixel and the file), which rules
 * it out for scene-sized display caches and model outputs; GDAL is not a dependency.
 *
 * Layout: header, then every image directory (full resolution, then overviews as
 * reduced-resolution IFDs) with room reserved up front, then tile data in the order
 * tiles arrive. Directories come first so a reader (OpenLayers over HTTP ranges)
 * finds all offsets in the first bytes. Each tile is encoded and appended when given,
 * so memory holds a few tiles, never the image. Tiles never written stay sparse
 * (offset 0, size 0), which GDAL and geotiff.js read as nodata.
 *
 * With `cogLayout` the tile data is ordered as Cloud-Optimized GeoTIFF readers expect:
 * the coarsest overview first, the full resolution last. Tiles arrive interleaved across
 * levels (PyramidWriter makes overviews on the fly), so each level is spooled to its own
 * temporary file and the spools are copied after the directories on close, in chunks.
 *
 * The file is written under a temporary name and renamed when closed; abort() removes it.
 * BigTIFF is used when the uncompressed image (with overviews) could pass 4 GiB.
 */
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { diskError } from './disk-error.ts';
import { partPath } from './part-path.ts';
import type { Crs, DataType, GeoTransform } from '../api.ts';
import { rasterError } from './errors.ts';
import { bytesPerSample, typeDef } from './data-type.ts';
import type { NumericArray } from './types.ts';
import { FieldType, Tag } from './tiff-tags.ts';
import { ifdSize, serializeIfd, type IfdEntry } from './tiff-ifd.ts';
import { encodeGeoKeys } from './geokeys.ts';
import { geoKeysForCrs } from './geokeys-write.ts';
import { buildGdalMetadata, formatNodata, type GdalItem } from './gdal-metadata.ts';
import { encodeTile, type TileEncoding } from './tile-encode.ts';

export interface GeoTiffWriterOptions {
  width: number;
  height: number;
  bandCount: number;
  dataType: DataType;
  /**
   * Store Float32 data as IEEE half floats (BitsPerSample 16, SampleFormat 3): half the
   * bytes, ~3 significant digits. Rows, tiles and overviews stay Float32 in memory and are
   * narrowed when encoded (tile-encode.ts). Only with dataType Float32.
   */
  float16?: boolean;
  /** Tile side in pixels: a multiple of 16 (TIFF requires it) from 16 to 512; default 256. */
  tileSize?: number;
  compression?: 'deflate' | 'none';
  /** zlib level 1..9 (default 6). */
  deflateLevel?: number;
  /** 1 none (default), 2 horizontal (integers), 3 floating point (floats). */
  predictor?: 1 | 2 | 3;
  /** Number of overview levels, or 'auto' (halve until the image fits one tile). Default 'auto'. */
  overviews?: number | 'auto';
  geoTransform?: GeoTransform | null;
  crs?: Crs | null;
  nodata?: number | null;
  bandNames?: string[];
  /** Dataset-level metadata items (GDAL_METADATA), e.g. the model that made a result. */
  metadata?: Record<string, string>;
  /** Palette for a single Byte/UInt16 band: [r, g, b] 0..255 per value. */
  colorTable?: [number, number, number][];
  /** 'rgb' for 3- or 4-band Byte images shown as colour. Default 'minisblack'. */
  photometric?: 'minisblack' | 'rgb';
  bigTiff?: boolean | 'auto';
  /** Tile data ordered coarsest overview first, full resolution last (COG layout). */
  cogLayout?: boolean;
  /** Tiles encoded at once (zlib runs on the thread pool). Default 4. */
  concurrency?: number;
}

export interface LevelLayout {
  width: number;
  height: number;
  tilesAcross: number;
  tilesDown: number;
}

const MAX_CLASSIC = 2 ** 32 - 1;
const COPY_CHUNK = 4 << 20;

/** One level's tile data while a COG-layout file is written; offsets are relative to it. */
interface Spool {
  path: string;
  fh: FileHandle;
  size: number;
}

export class GeoTiffWriter {
  readonly levels: LevelLayout[];
  readonly tileSize: number;
  private readonly offsets: Float64Array[];
  private readonly counts: Float64Array[];
  private pos: number;
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private failure: unknown = null;
  private closed = false;
  private readonly enc: TileEncoding;
  private readonly fill: number;

  private constructor(
    readonly path: string,
    private readonly tmp: string,
    private readonly fh: FileHandle,
    readonly opts: GeoTiffWriterOptions,
    readonly bigTiff: boolean,
    private readonly dataStart: number,
    private readonly spools: Spool[] | null,
  ) {
    this.tileSize = opts.tileSize ?? 256;
    this.levels = levelLayouts(opts.width, opts.height, this.tileSize, opts.overviews ?? 'auto');
    this.offsets = this.levels.map((l) => new Float64Array(l.tilesAcross * l.tilesDown));
    this.counts = this.levels.map((l) => new Float64Array(l.tilesAcross * l.tilesDown));
    this.pos = dataStart;
    this.enc = {
      dataType: opts.dataType,
      compression: opts.compression ?? 'deflate',
      level: opts.deflateLevel ?? 6,
      predictor: opts.predictor ?? 1,
      float16: opts.float16 === true,
    };
    this.fill = opts.nodata ?? 0;
  }

  static async create(path: string, opts: GeoTiffWriterOptions): Promise<GeoTiffWriter> {
    validate(path, opts);
    const tileSize = opts.tileSize ?? 256;
    const levels = levelLayouts(opts.width, opts.height, tileSize, opts.overviews ?? 'auto');
    const raw = levels.reduce((s, l) => s + l.tilesAcross * l.tilesDown * tileSize * tileSize, 0) * opts.bandCount * storedBytes(opts);
    const bigTiff = opts.bigTiff === true || ((opts.bigTiff ?? 'auto') === 'auto' && raw > MAX_CLASSIC - 64 * 1024 * 1024);
    const headerSize = bigTiff ? 16 : 8;
    const ifdBytes = levels.reduce((s, _l, i) => s + ifdSize(ifdEntries(opts, levels, i, bigTiff, null, null), bigTiff), 0);
    const dataStart = Math.ceil((headerSize + ifdBytes) / 16) * 16;
    const tmp = partPath(path);
    const fh = await open(tmp, 'w');
    const spools: Spool[] = [];
    try {
      if (opts.cogLayout) {
        for (let i = 0; i < levels.length; i++) {
          const p = partPath(path);
          spools.push({ path: p, fh: await open(p, 'w+'), size: 0 });
        }
      }
    } catch (err) {
      await removeSpools(spools);
      await fh.close();
      await rm(tmp, { force: true });
      throw err;
    }
    return new GeoTiffWriter(path, tmp, fh, opts, bigTiff, dataStart, opts.cogLayout ? spools : null);
  }

  /**
   * One tile: `bands` holds one array per band, either tileSize x tileSize values or just
   * the part inside the image (w x h at the right/bottom edges). Tiles may come in any order.
   * Resolves once the tile is queued for encoding (backpressure keeps a few in flight).
   */
  async writeTile(level: number, tx: number, ty: number, bands: NumericArray[]): Promise<void> {
    if (this.closed) throw new Error('writer is closed');
    if (this.failure) throw diskError(this.path, this.failure);
    const L = this.levels[level];
    if (!L || tx < 0 || ty < 0 || tx >= L.tilesAcross || ty >= L.tilesDown) throw new Error(`tile ${level}/${tx}/${ty} is outside the image`);
    if (bands.length !== this.opts.bandCount) throw new Error(`tile has ${bands.length} bands, the image ${this.opts.bandCount}`);
    const ts = this.tileSize;
    const w = Math.min(ts, L.width - tx * ts);
    const h = Math.min(ts, L.height - ty * ts);
    const full = bands[0].length === ts * ts;
    if (!full && bands[0].length !== w * h) throw new Error(`tile ${level}/${tx}/${ty} needs ${w * h} or ${ts * ts} values per band`);
    while (this.inFlight >= (this.opts.concurrency ?? 4)) await new Promise<void>((r) => this.waiters.push(r));
    this.inFlight++;
    const index = ty * L.tilesAcross + tx;
    void this.encodeAndAppend(level, index, bands, full ? ts : w, full ? ts : h).finally(() => {
      this.inFlight--;
      this.waiters.shift()?.();
    });
  }

  private async encodeAndAppend(level: number, index: number, bands: NumericArray[], w: number, h: number): Promise<void> {
    try {
      const bytes = await encodeTile(bands, w, h, this.tileSize, this.fill, this.enc);
      const spool = this.spools?.[level];
      const at = spool ? spool.size : this.pos;
      if (spool) spool.size += bytes.length;
      this.pos += bytes.length;
      if (!this.bigTiff && this.pos > MAX_CLASSIC) throw rasterError('E_TOO_LARGE', this.path, 'output passed 4 GiB; write it with bigTiff: true');
      await (spool ? spool.fh : this.fh).write(bytes, 0, bytes.length, at);
      this.offsets[level][index] = at;
      this.counts[level][index] = bytes.length;
    } catch (err) {
      this.failure ??= err;
    }
  }

  private async drain(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Writes the directories, closes and renames the file into place. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.drain();
    this.closed = true;
    try {
      if (this.failure) throw this.failure;
      if (this.spools) await this.copySpools();
      const headerSize = this.bigTiff ? 16 : 8;
      const header = Buffer.alloc(headerSize);
      header.write('II', 0, 'latin1');
      if (this.bigTiff) {
        header.writeUInt16LE(43, 2);
        header.writeUInt16LE(8, 4);
        header.writeBigUInt64LE(BigInt(headerSize), 8);
      } else {
        header.writeUInt16LE(42, 2);
        header.writeUInt32LE(headerSize, 4);
      }
      const parts: Buffer[] = [header];
      let at = headerSize;
      const entries = this.levels.map((_l, i) => ifdEntries(this.opts, this.levels, i, this.bigTiff, this.offsets[i], this.counts[i]));
      for (let i = 0; i < entries.length; i++) {
        const size = ifdSize(entries[i], this.bigTiff);
        const next = i + 1 < entries.length ? at + size : 0;
        parts.push(serializeIfd(entries[i], at, next, this.bigTiff));
        at += size;
      }
      const head = Buffer.concat(parts);
      if (head.length > this.dataStart) throw new Error('image directories outgrew their reserved space');
      await this.fh.write(head, 0, head.length, 0);
      await this.fh.close();
      await rename(this.tmp, this.path);
    } catch (err) {
      await this.fh.close().catch(() => undefined);
      await rm(this.tmp, { force: true });
      throw diskError(this.path, err);
    } finally {
      await removeSpools(this.spools ?? []);
    }
  }

  /** Appends the spooled levels after the directories, coarsest first, and makes their offsets absolute. */
  private async copySpools(): Promise<void> {
    const buf = Buffer.alloc(COPY_CHUNK);
    let at = this.dataStart;
    for (let level = this.levels.length - 1; level >= 0; level--) {
      const spool = this.spools![level];
      for (let from = 0; from < spool.size; from += COPY_CHUNK) {
        const { bytesRead } = await spool.fh.read(buf, 0, Math.min(COPY_CHUNK, spool.size - from), from);
        await this.fh.write(buf, 0, bytesRead, at + from);
      }
      const offsets = this.offsets[level];
      for (let i = 0; i < offsets.length; i++) if (this.counts[level][i] > 0) offsets[i] += at;
      at += spool.size;
    }
  }

  /** Stops and removes the partial file. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drain();
    await this.fh.close().catch(() => undefined);
    await rm(this.tmp, { force: true });
    await removeSpools(this.spools ?? []);
  }
}

async function removeSpools(spools: Spool[]): Promise<void> {
  for (const s of spools) {
    await s.fh.close().catch(() => undefined);
    await rm(s.path, { force: true });
  }
}

function validate(path: string, o: GeoTiffWriterOptions): void {
  const bad = (why: string) => rasterError('E_BAD_REQUEST', path, why);
  if (!Number.isInteger(o.width) || !Number.isInteger(o.height) || o.width < 1 || o.height < 1) throw bad(`cannot write a ${o.width} x ${o.height} image`);
  if (!Number.isInteger(o.bandCount) || o.bandCount < 1 || o.bandCount > 65535) throw bad(`cannot write ${o.bandCount} bands`);
  typeDef(o.dataType);
  if (o.tileSize !== undefined && (!Number.isInteger(o.tileSize) || o.tileSize % 16 !== 0 || o.tileSize < 16 || o.tileSize > 512)) {
    throw bad(`tile size ${o.tileSize}: must be a multiple of 16 from 16 to 512`);
  }
  if (o.float16 && o.dataType !== 'Float32') throw bad(`float16 storage is for Float32 data (got ${o.dataType})`);
  const float = o.dataType === 'Float32' || o.dataType === 'Float64';
  if (o.predictor === 3 && !float) throw bad('predictor 3 is for floating-point data');
  if (o.predictor === 2 && float) throw bad('predictor 2 is for integer data; use 3 for floats');
  if (o.colorTable && (o.bandCount !== 1 || (o.dataType !== 'Byte' && o.dataType !== 'UInt16'))) throw bad('a colour table needs one Byte or UInt16 band');
  if (o.photometric === 'rgb' && (o.dataType !== 'Byte' || (o.bandCount !== 3 && o.bandCount !== 4))) throw bad('RGB needs 3 or 4 Byte bands');
  if (o.bandNames && o.bandNames.length !== o.bandCount) throw bad(`${o.bandNames.length} band names for ${o.bandCount} bands`);
}

export function levelLayouts(width: number, height: number, tileSize: number, overviews: number | 'auto'): LevelLayout[] {
  const levels: LevelLayout[] = [];
  let w = width;
  let h = height;
  for (let i = 0; ; i++) {
    levels.push({ width: w, height: h, tilesAcross: Math.ceil(w / tileSize), tilesDown: Math.ceil(h / tileSize) });
    const more = overviews === 'auto' ? Math.max(w, h) > tileSize : i < overviews;
    if (!more || (w === 1 && h === 1)) break;
    // Overview i is ceil(full / 2^i), GDAL's convention.
    w = Math.ceil(width / 2 ** (i + 1));
    h = Math.ceil(height / 2 ** (i + 1));
  }
  return levels;
}

function ifdEntries(
  o: GeoTiffWriterOptions,
  levels: LevelLayout[],
  i: number,
  bigTiff: boolean,
  offsets: ArrayLike<number> | null,
  counts: ArrayLike<number> | null,
): IfdEntry[] {
  const L = levels[i];
  const n = L.tilesAcross * L.tilesDown;
  const spp = o.bandCount;
  const def = typeDef(o.dataType);
  const palette = !!o.colorTable;
  const rgb = o.photometric === 'rgb';
  const offType = bigTiff ? FieldType.LONG8 : FieldType.LONG;
  const e: IfdEntry[] = [
    { tag: Tag.NewSubfileType, type: FieldType.LONG, values: [i === 0 ? 0 : 1] },
    { tag: Tag.ImageWidth, type: FieldType.LONG, values: [L.width] },
    { tag: Tag.ImageLength, type: FieldType.LONG, values: [L.height] },
    { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: new Array(spp).fill(storedBytes(o) * 8) },
    { tag: Tag.Compression, type: FieldType.SHORT, values: [(o.compression ?? 'deflate') === 'deflate' ? 8 : 1] },
    { tag: Tag.Photometric, type: FieldType.SHORT, values: [palette ? 3 : rgb ? 2 : 1] },
    { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [spp] },
    { tag: Tag.PlanarConfiguration, type: FieldType.SHORT, values: [1] },
    { tag: Tag.TileWidth, type: FieldType.LONG, values: [levelTile(o)] },
    { tag: Tag.TileLength, type: FieldType.LONG, values: [levelTile(o)] },
    { tag: Tag.TileOffsets, type: offType, values: offsets ?? new Array(n).fill(0) },
    { tag: Tag.TileByteCounts, type: offType, values: counts ?? new Array(n).fill(0) },
    { tag: Tag.SampleFormat, type: FieldType.SHORT, values: new Array(spp).fill(def.sampleFormat) },
  ];
  if ((o.predictor ?? 1) !== 1) e.push({ tag: Tag.Predictor, type: FieldType.SHORT, values: [o.predictor!] });
  const base = rgb ? 3 : 1;
  if (spp > base) {
    const extra = new Array(spp - base).fill(0);
    if (rgb && spp === 4) extra[0] = 2; // unassociated alpha
    e.push({ tag: Tag.ExtraSamples, type: FieldType.SHORT, values: extra });
  }
  if (palette) e.push({ tag: Tag.ColorMap, type: FieldType.SHORT, values: colorMap(o.colorTable!, def.bits) });
  if (o.nodata !== undefined && o.nodata !== null) e.push({ tag: Tag.GdalNodata, type: FieldType.ASCII, values: formatNodata(o.nodata) });
  if (i > 0) return e;
  const gt = o.geoTransform;
  if (gt) {
    if (gt[2] === 0 && gt[4] === 0) {
      e.push({ tag: Tag.ModelPixelScale, type: FieldType.DOUBLE, values: [gt[1], -gt[5], 0] });
      e.push({ tag: Tag.ModelTiepoint, type: FieldType.DOUBLE, values: [0, 0, 0, gt[0], gt[3], 0] });
    } else {
      e.push({ tag: Tag.ModelTransformation, type: FieldType.DOUBLE, values: [gt[1], gt[2], 0, gt[0], gt[4], gt[5], 0, gt[3], 0, 0, 0, 0, 0, 0, 0, 1] });
    }
  }
  if (o.crs) {
    const g = encodeGeoKeys(geoKeysForCrs(o.crs));
    e.push({ tag: Tag.GeoKeyDirectory, type: FieldType.SHORT, values: g.directory });
    if (g.doubles) e.push({ tag: Tag.GeoDoubleParams, type: FieldType.DOUBLE, values: g.doubles });
    if (g.ascii) e.push({ tag: Tag.GeoAsciiParams, type: FieldType.ASCII, values: g.ascii });
  }
  const items: GdalItem[] = Object.entries(o.metadata ?? {}).map(([name, value]) => ({ name, value, sample: null, role: null }));
  (o.bandNames ?? []).forEach((name, b) => {
    if (name) items.push({ name: 'DESCRIPTION', sample: b, role: 'description', value: name });
  });
  const xml = buildGdalMetadata(items);
  if (xml) e.push({ tag: Tag.GdalMetadata, type: FieldType.ASCII, values: xml });
  return e;
}

/** Bytes of one stored sample (2 for half floats). */
function storedBytes(o: GeoTiffWriterOptions): number {
  return o.float16 ? 2 : bytesPerSample(o.dataType);
}

function levelTile(o: GeoTiffWriterOptions): number {
  return o.tileSize ?? 256;
}

function colorMap(table: [number, number, number][], bits: number): number[] {
  const n = 2 ** bits;
  const out = new Array(3 * n).fill(0);
  for (let i = 0; i < Math.min(n, table.length); i++) {
    for (let c = 0; c < 3; c++) out[c * n + i] = Math.round(Math.max(0, Math.min(255, table[i][c])) * 257);
  }
  return out;
}
