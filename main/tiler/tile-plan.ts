/**
 * Where the tiles go: a grid of tiles of tileWidth x tileHeight input pixels laid over a
 * width x height raster with an overlap, on the model's output grid when the model
 * emits one value per `stride` x `stride` input pixels.
 *
 * Positions are computed in output pixels (input / stride) so every tile starts on a
 * multiple of the stride and tiles of different runs land on the same output grid. The
 * output grid is ceil(width / stride) x ceil(height / stride).
 *
 * - Raster at least a tile wide: tiles step by (tile - overlap); the last one is shifted
 *   inward so it ends at the raster edge (its overlap with the one before is larger),
 *   so every tile is full-size and reads real pixels. With a stride that does not divide
 *   the raster size, the last tile may pass the edge by up to stride - 1 pixels.
 * - Raster smaller than a tile: one tile at the origin, reaching past the raster; the
 *   reader fills the part outside by mirror padding (tile-read.ts) and the output is
 *   cropped to the raster.
 *
 * Shards: the rows of tiles are cut into `count` contiguous blocks (bands of tile rows);
 * shard i owns the output rows from the start of its first tile row to the start of the
 * next block's first row. It runs every tile touching those rows (with overlap, one tile
 * row of each neighbouring block too, for identical blending) and writes only its own
 * rows, so shards write disjoint row bands of the one output grid.
 */
import { ApiError } from '../api.ts';

export interface TileGridOptions {
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  overlapX: number;
  overlapY: number;
  stride: number;
}

/** One tile. x, y, width, height: input pixels (may pass the raster edge); out*: output pixels. */
export interface Tile {
  /** Position in plan order (row-major), over the whole grid. */
  index: number;
  col: number;
  row: number;
  x: number;
  y: number;
  width: number;
  height: number;
  outX: number;
  outY: number;
  outWidth: number;
  outHeight: number;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface TilePlan extends TileGridOptions {
  outWidth: number;
  outHeight: number;
  /** Tile origins along each axis, input pixels. */
  xs: number[];
  ys: number[];
  /** Tile rows this run processes (all, or a shard's plus its neighbours'). */
  rowFrom: number;
  rowTo: number;
  /** Output rows this run writes: [outRowFrom, outRowTo). */
  outRowFrom: number;
  outRowTo: number;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new ApiError('E_BAD_REQUEST', `${name} must be a whole number of pixels >= 1 (got ${v})`);
}

/** Tile origins along one axis, in input pixels (multiples of the stride). */
export function axisPositions(size: number, tile: number, overlap: number, stride: number): number[] {
  const outSize = Math.ceil(size / stride);
  const tileOut = tile / stride;
  const step = (tile - overlap) / stride;
  if (outSize <= tileOut) return [0];
  const n = 1 + Math.ceil((outSize - tileOut) / step);
  const xs: number[] = [];
  for (let i = 0; i < n - 1; i++) xs.push(i * step * stride);
  xs.push((outSize - tileOut) * stride);
  return xs;
}

export function validateGrid(o: TileGridOptions): void {
  positiveInt('raster width', o.width);
  positiveInt('raster height', o.height);
  positiveInt('tile width', o.tileWidth);
  positiveInt('tile height', o.tileHeight);
  positiveInt('stride', o.stride);
  for (const [name, ov, t] of [['overlap x', o.overlapX, o.tileWidth], ['overlap y', o.overlapY, o.tileHeight]] as const) {
    if (!Number.isInteger(ov) || ov < 0) throw new ApiError('E_BAD_REQUEST', `${name} must be a whole number of pixels >= 0 (got ${ov})`);
    if (ov >= t) throw new ApiError('E_BAD_REQUEST', `${name} of ${ov} px leaves no step for a ${t} px tile; use less than the tile size`);
    if (ov % o.stride !== 0) throw new ApiError('E_BAD_REQUEST', `${name} of ${ov} px is not a multiple of the model's stride ${o.stride}`);
  }
  if (o.tileWidth % o.stride !== 0 || o.tileHeight % o.stride !== 0) {
    throw new ApiError('E_BAD_REQUEST', `tile ${o.tileWidth} x ${o.tileHeight} px is not a multiple of the model's stride ${o.stride}`);
  }
}

export function planTiles(o: TileGridOptions, shard?: Shard, outRows?: [number, number]): TilePlan {
  validateGrid(o);
  const xs = axisPositions(o.width, o.tileWidth, o.overlapX, o.stride);
  const ys = axisPositions(o.height, o.tileHeight, o.overlapY, o.stride);
  const outWidth = Math.ceil(o.width / o.stride);
  const outHeight = Math.ceil(o.height / o.stride);
  const plan: TilePlan = { ...o, outWidth, outHeight, xs, ys, rowFrom: 0, rowTo: ys.length, outRowFrom: 0, outRowTo: outHeight };
  if (outRows) {
    if (shard && shard.count > 1) throw new ApiError('E_INTERNAL', 'a run takes a shard or a row range, not both');
    const [from, to] = outRows;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > outHeight || to <= from) {
      throw new ApiError('E_BAD_REQUEST', `output rows ${from}..${to} are not within the ${outHeight} rows of the output`);
    }
    return restrictRows(plan, from, to);
  }
  if (!shard || shard.count === 1) return plan;
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new ApiError('E_BAD_REQUEST', `shard ${index}/${count} is not valid: use I/N with 1 <= I <= N`);
  }
  if (count > ys.length) {
    throw new ApiError('E_BAD_REQUEST', `shard ${index}/${count}: the raster has only ${ys.length} rows of tiles; use at most ${ys.length} shards`);
  }
  const first = Math.floor(((index - 1) * ys.length) / count);
  const next = Math.floor((index * ys.length) / count);
  const outRowFrom = first === 0 ? 0 : ys[first] / o.stride;
  const outRowTo = next === ys.length ? outHeight : ys[next] / o.stride;
  return restrictRows(plan, outRowFrom, outRowTo);
}

/**
 * The plan of a run that writes only output rows [outRowFrom, outRowTo) of the full grid:
 * it keeps the full run's tile positions and runs every tile row touching those rows, so
 * the rows it writes equal the full run's value for value (a shard; the HR rows a fused
 * shard needs).
 */
function restrictRows(plan: TilePlan, outRowFrom: number, outRowTo: number): TilePlan {
  const { ys, stride } = plan;
  const tileOut = plan.tileHeight / stride;
  let rowFrom = 0;
  while (rowFrom < ys.length - 1 && ys[rowFrom] / stride + tileOut <= outRowFrom) rowFrom++;
  let rowTo = rowFrom;
  while (rowTo < ys.length && ys[rowTo] / stride < outRowTo) rowTo++;
  return { ...plan, rowFrom, rowTo, outRowFrom, outRowTo };
}

/** Input rows [from, to) the tiles of `plan` read (clipped to the raster). */
export function inputRowsOf(plan: TilePlan): [number, number] {
  return [plan.ys[plan.rowFrom], Math.min(plan.height, plan.ys[plan.rowTo - 1] + plan.tileHeight)];
}

export function tileAt(plan: TilePlan, col: number, row: number): Tile {
  const x = plan.xs[col];
  const y = plan.ys[row];
  return {
    index: row * plan.xs.length + col,
    col,
    row,
    x,
    y,
    width: plan.tileWidth,
    height: plan.tileHeight,
    outX: x / plan.stride,
    outY: y / plan.stride,
    outWidth: plan.tileWidth / plan.stride,
    outHeight: plan.tileHeight / plan.stride,
  };
}

/** The tiles this run processes, in plan order (row-major). */
export function* planTilesInOrder(plan: TilePlan): Generator<Tile> {
  for (let row = plan.rowFrom; row < plan.rowTo; row++) {
    for (let col = 0; col < plan.xs.length; col++) yield tileAt(plan, col, row);
  }
}

export function tileCount(plan: TilePlan): number {
  return (plan.rowTo - plan.rowFrom) * plan.xs.length;
}

/** "I/N" (1-based) as typed on the command line. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ApiError('E_BAD_REQUEST', `--shard "${text}" is not of the form I/N (e.g. 2/8)`);
  const shard = { index: Number(m[1]), count: Number(m[2]) };
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    throw new ApiError('E_BAD_REQUEST', `--shard ${text}: I must be between 1 and N`);
  }
  return shard;
}
