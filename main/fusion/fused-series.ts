/**
 * An S2 and/or S1 time series made ready for the fusion path, shared by fused-embed (which
 * writes the fused features) and segment with a fused head (which feeds them to the head):
 * the options checked, every raster opened with its bands found, its grid fitted to the
 * reference (the first S2 input; the first S1 one without S2), the mask, each date (the
 * user's or the file's own) and units — all before any session starts — then the encoder,
 * UPHead and fusion sessions, the stacked (and masked) raster the tiler reads, and the
 * per-input report. The caller owns the model folder; close() closes the rasters only.
 */
import { basename, resolve } from 'node:path';
import { ApiError, type RasterInfo } from '../api.ts';
import type { Fallback, ModelFolder, ModuleSpec } from '../model/index.ts';
import { openRaster, type Raster } from '../raster/index.ts';
import { checkTile, encoderFor } from '../encoder/index.ts';
import { parseShard, planTiles, type InferFn, type Shard, type TiledProgress } from '../tiler/index.ts';
import { inputRowsOf } from '../tiler/index.ts';
import { croppedRaster } from './cropped-raster.ts';
import { openHrFrame, type HrFrame, type HrFrameReport } from './hr-frame.ts';
import { mapBands, type BandMapping } from '../inputs/index.ts';
import { maskedRaster, openMask, type MaskReport, type MaskSpec, type OpenedMask } from '../inputs/index.ts';
import { makeNormaliser } from '../inputs/index.ts';
import { orderSeries, parseUserDates, resolveSeriesDates, type ResolvedDate } from '../inputs/index.ts';
import { detectUnits, sampleValues, type UnitsDetection } from '../inputs/index.ts';
import { makeFusedInfer, type FrameModality, type FrameSpec, type FusedModality, type FusedModules, type ModuleIO } from './fused-infer.ts';
import { fitGrid, type GridFit, type Resample } from './grid-fit.ts';
import { StackedRaster, type StackPart } from './date-stack.ts';

export interface SeriesOptions {
  /** Sentinel-2 series: one raster (file or band folder) per date. */
  s2?: string[];
  /** Sentinel-1 series: one raster (VV, VH) per date. */
  s1?: string[];
  /** HR (aerial) raster of the same ground, in the reference's CRS (hr-frame.ts). */
  hr?: string;
  /** S2 acquisition dates, YYYY-MM-DD, one per `s2` input in the same order (`--dates`). */
  dates?: string[];
  /** S1 acquisition dates, one per `s1` input (`--s1-dates`); S1 gets no calendar embedding in SkySense. */
  s1Dates?: string[];
  /** 'none' (default): every raster must lie on the reference grid; 'nearest': same-CRS rasters are resampled onto it. */
  resample?: Resample;
  /** Pixels of the reference grid to treat as nodata in every date (clouds, a validity mask). */
  mask?: MaskSpec;
  tile?: number;
  overlap?: number;
  /** Tiles per batch (default: up to 4, fewer for long series so a batch stays ~32 MiB). */
  batch?: number;
  out: string;
  signal?: AbortSignal;
}

export interface FusedInputReport {
  modality: FusedModality;
  /** Position of this date in the fusion sequence (0-based; S2 dates first, in date order). */
  position: number;
  /** Position in the list the user gave (0-based). */
  given: number;
  path: string;
  files: string[];
  date: string | null;
  dateSource: ResolvedDate['source'];
  dateDetail: string;
  dayOfYear: number | null;
  /** Row of the model's date table, null when the modality gets no calendar embedding. */
  tableIndex: number | null;
  /** What the fusion's doy input received (table row + 1, or 0 for none). */
  doyFed: number;
  bands: number[];
  bandNames: string[];
  bandsFoundBy: BandMapping['how'];
  units: UnitsDetection;
  grid: string;
  notes: string[];
}

export interface CheckedSeries {
  s2: string[];
  s1: string[];
  hr: string | null;
  s2Dates?: ReturnType<typeof parseUserDates>;
  s1Dates?: ReturnType<typeof parseUserDates>;
}

export interface FusedSeries {
  /** The Sentinel modalities given. */
  present: FusedModality[];
  /** Every modality fused, HR first when given. */
  modalities: FrameModality[];
  /** The HR frame: how it was put on the grid and its encoder pass; null without HR. */
  hr: HrFrameReport | null;
  /** The grid fused and written: the reference grid, or the part of it the HR image covers. */
  ref: RasterInfo;
  /** What the tiler reads: every date stacked on the reference grid, masked. */
  raster: Raster;
  tile: number;
  overlap: number;
  margin: number;
  batch: number;
  fusionName: string;
  fusionOutput: string;
  /** Channels of the fused feature. */
  channels: number;
  mask: MaskReport | null;
  dateEmbedding: { table: number; index: string; appliesTo: string[] } | null;
  notes: string[];
  /** Provider of each session, by module name. */
  sessions: Record<string, string>;
  fallbacks: Fallback[];
  /** Provider of the fusion session. */
  provider: string;
  /** SKYSENSE_S2_DATES / SKYSENSE_S1_DATES for the output's metadata. */
  dateMetadata: Record<string, string>;
  inputs: FusedInputReport[];
  /**
   * The fused features per tile (channels x th x tw, NaN where not computed). `margin`: the
   * tiler's margin, inside which nothing is fused (nothing there is kept); 0 fuses whole tiles
   * (for a head that may look at neighbours).
   */
  infer(margin: number): InferFn;
  /** Closes the rasters and the mask (not the model). */
  close(): Promise<void>;
}

function bad(msg: string, file?: string): ApiError {
  return new ApiError('E_BAD_REQUEST', msg, file);
}

/** The checks that need no file: what was asked for, and the user's dates. `what` names the task in messages. */
export function checkSeriesOptions(o: SeriesOptions, now: Date, what: string): CheckedSeries {
  const s2 = o.s2 ?? [];
  const s1 = o.s1 ?? [];
  if (s2.length === 0 && s1.length === 0) {
    throw bad(o.hr ? `${what}: --hr ${o.hr} is fused with an S2 and/or S1 series; give at least one (for the HR image alone, run without --hr: --input ${o.hr})` : `${what} needs an S2 series and/or an S1 series (at least one raster)`);
  }
  if (o.dates && s2.length === 0) throw bad('--dates: given, but there is no S2 input');
  if (o.s1Dates && s1.length === 0) throw bad('--s1-dates: given, but there is no S1 input');
  const seen = new Map<string, string>();
  for (const [label, list] of [['HR', o.hr ? [o.hr] : []], ['S2', s2], ['S1', s1]] as const) {
    list.forEach((p, i) => {
      const key = resolve(p);
      const prev = seen.get(key);
      if (prev) throw bad(`${p}: given twice (${prev} and ${label} input ${i + 1})`, p);
      seen.set(key, `${label} input ${i + 1}`);
    });
  }
  if (o.resample !== undefined && o.resample !== 'none' && o.resample !== 'nearest') throw bad(`--resample ${String(o.resample)}: expected none or nearest`);
  return {
    s2,
    s1,
    hr: o.hr ?? null,
    s2Dates: o.dates ? parseUserDates(o.dates, '--dates', s2.length, 'S2', now) : undefined,
    s1Dates: o.s1Dates ? parseUserDates(o.s1Dates, '--s1-dates', s1.length, 'S1', now) : undefined,
  };
}

interface Opened {
  modality: FusedModality;
  given: number;
  path: string;
  raster: Raster;
  mapping: BandMapping;
  fit: GridFit;
  date: ResolvedDate;
  units: UnitsDetection;
}

function moduleOf(model: ModelFolder, role: ModuleSpec['role'], modality: ModuleSpec['modality'], what: string, task: string): [string, ModuleSpec] {
  const hit = Object.entries(model.manifest.modules).find(([, s]) => s.role === role && s.modality === modality);
  if (!hit) throw new ApiError('E_NOT_FOUND', `${model.manifestPath}: no ${what} module (${task} needs one)`, model.manifestPath);
  return hit;
}

function channelsOf(spec: ModuleSpec, k: number): number | null {
  const o = spec.outputs[k];
  return o.channels ?? (typeof o.shape[1] === 'number' ? o.shape[1] : null);
}

function gridNote(fit: GridFit): string {
  if (fit.kind === 'same') return 'on the reference grid';
  const [dx, dy] = fit.offsetPx;
  return `resampled onto the reference grid by nearest neighbour (origin offset ${dx.toFixed(2)}, ${dy.toFixed(2)} px; ${(1 / fit.sx).toPrecision(4)} x ${(1 / fit.sy).toPrecision(4)} reference pixels per source pixel)`;
}

export interface OpenSeriesOptions {
  /** The task, for messages ("fused-embed", "segment"). */
  task: string;
  now: Date;
  /** Preferred tile (a head's); default the reference encoder's. */
  tilePref?: { size: number; stride: number };
  /** The shard the fused pass will run (the HR pass then computes only the rows its tiles read). */
  shard?: string | Shard;
  /** Progress of the HR pass (stage "HR features"). */
  progress?: (p: TiledProgress) => void;
}

export async function openFusedSeries(model: ModelFolder, asked: CheckedSeries, o: SeriesOptions, so: OpenSeriesOptions): Promise<FusedSeries> {
  const { task, now } = so;
  const opened: Opened[] = [];
  let stack: StackedRaster | null = null;
  let mask: OpenedMask | null = null;
  let tiled: Raster | null = null;
  let hr: HrFrame | null = null;
  let hrFeatures: Raster | null = null;
  const close = async () => {
    // The masked view closes the stack and the mask; the stack closes every date.
    if (tiled) await tiled.close();
    else {
      await mask?.raster.close().catch(() => undefined);
      if (stack) await stack.close();
      else await Promise.all(opened.map((e) => e.raster.close().catch(() => undefined)));
    }
    // The stack closed the HR features (one of its parts); this deletes the file.
    await hr?.close();
  };
  try {
    const m = model.manifest;
    const present: FusedModality[] = (['s2', 's1'] as const).filter((k) => (k === 's2' ? asked.s2 : asked.s1).length > 0);
    const [fusionName, fusionSpec] = moduleOf(model, 'fusion', 'fused', 'fusion', task);
    const io: Partial<Record<FusedModality, { enc: [string, ModuleSpec]; up: [string, ModuleSpec] }>> = {};
    for (const k of present) {
      if (!m.modalities[k]) throw new ApiError('E_NOT_FOUND', `${model.manifestPath}: no "${k}" modality`, model.manifestPath);
      io[k] = { enc: encoderFor(model, k, task), up: moduleOf(model, 'upsample', k, `${k} UPHead (upsample)`, task) };
    }
    const ref0 = io.s2 ?? io.s1!;
    const tileSpec = so.tilePref ?? ref0.enc[1].tile!;
    const tile = o.tile ?? tileSpec.size;
    const overlap = o.overlap ?? Math.min(tileSpec.size - tileSpec.stride, Math.floor(tile / 2));
    for (const k of present) checkTile(io[k]!.enc[1], io[k]!.enc[0], tile, overlap, 1);
    const margin = Math.floor(overlap / 2);
    const fusionOut = fusionSpec.outputs[0];
    const outChannels = channelsOf(fusionSpec, 0);
    const tokensIn = fusionSpec.inputs.find((i) => i.dtype === 'float32');
    const doyIn = fusionSpec.inputs.find((i) => i.dtype === 'int64');
    if (!outChannels || !tokensIn || !doyIn) {
      throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${fusionName}: needs a float32 tokens input, an int64 doy input and an output with channels`, model.manifestPath);
    }
    const upChannels = channelsOf(io[present[0]]!.up[1], 0);
    if (!upChannels) throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${io[present[0]]!.up[0]}.outputs[0]: channels missing`, model.manifestPath);
    const de = m.dateEmbedding ?? null;
    const dated = (k: FusedModality) => de?.appliesTo.includes(k) ?? false;

    // Open every raster and map its bands (a missing band names the file).
    for (const k of present) {
      const list = k === 's2' ? asked.s2 : asked.s1;
      for (let i = 0; i < list.length; i++) {
        if (o.signal?.aborted) throw new ApiError('E_CANCELLED', `${task} cancelled`);
        const raster = await openRaster([list[i]], { signal: o.signal, coarseBands: 'bilinear' });
        let mapping: BandMapping;
        try {
          mapping = mapBands(raster.info, k, m.modalities[k]!.bands);
        } catch (err) {
          await raster.close().catch(() => undefined);
          throw err;
        }
        // date and units are filled in below, before anything reads them.
        opened.push({ modality: k, given: i, path: list[i], raster, mapping, fit: { kind: 'same' }, date: undefined!, units: undefined! });
      }
    }
    const ref = opened[0].raster.info;
    for (const e of opened.slice(1)) e.fit = fitGrid(ref, e.raster.info, o.resample ?? 'none');
    if (o.mask) mask = await openMask(o.mask, ref, o.signal, o.out);
    if (asked.hr) hr = await openHrFrame(model, asked.hr, ref, task, o.signal);
    if (hr && hr.channels !== upChannels) {
      throw new ApiError('E_CORRUPT', `${model.manifestPath}: modules.${hr.report.module} gives ${hr.channels} channels, the fusion takes tokens of ${upChannels}`, model.manifestPath);
    }

    // Dates (the user's, or each file's own) before any pixel is read.
    for (const k of present) {
      const mine = opened.filter((e) => e.modality === k);
      const dates = await resolveSeriesDates(
        mine.map((e) => ({ path: e.path, files: e.raster.info.files })),
        { label: k.toUpperCase(), flag: k === 's2' ? '--dates' : '--s1-dates', user: k === 's2' ? asked.s2Dates : asked.s1Dates, required: dated(k), table: dated(k) ? de!.table : null, now },
      );
      mine.forEach((e, i) => (e.date = dates[i]));
    }
    const notes: string[] = [];
    const frames: Opened[] = [];
    for (const k of present) {
      const mine = opened.filter((e) => e.modality === k);
      const { order, reordered } = orderSeries(mine.map((e) => e.date));
      if (reordered) {
        notes.push(`${k.toUpperCase()} inputs were not in date order; fused in date order (${order.map((i) => mine[i].date.date ?? '?').join(', ')}). The fusion has no positional embedding, so the order does not change the features.`);
      }
      frames.push(...order.map((i) => mine[i]));
      const days = mine.map((e) => e.date.date).filter((d): d is string => d !== null).sort();
      if (days.length > 1 && Date.parse(days[days.length - 1]) - Date.parse(days[0]) > 365 * 86400e3) {
        notes.push(`${k.toUpperCase()} dates span more than a year (${days[0]} .. ${days[days.length - 1]}): the calendar embedding sees only the day of the year`);
      }
      const dup = days.filter((d, i) => i > 0 && d === days[i - 1]);
      if (dup.length) notes.push(`${k.toUpperCase()} has more than one raster for ${[...new Set(dup)].join(', ')}`);
    }

    // Units, per raster: series mix L1C/L2A sources or linear/dB S1 files.
    for (const e of frames) {
      e.units = detectUnits(e.modality, m.modalities[e.modality]!, await sampleValues(e.raster, e.mapping.bands, o.signal), e.raster.info.path);
    }

    const sessions: Record<string, string> = {};
    const fallbacks: Fallback[] = [];
    const sessionFor = async (name: string) => {
      const s = await model.session(name);
      sessions[name] = s.provider;
      fallbacks.push(...s.fallbacks);
      return s;
    };
    const mods: FusedModules = { encoders: {}, ups: {}, fusion: undefined!, upChannels };
    for (const k of present) {
      const [en, es] = io[k]!.enc;
      const [un, us] = io[k]!.up;
      const encIO: ModuleIO = { session: await sessionFor(en), input: es.inputs[0].name, output: es.outputs[es.outputs.length - 1].name };
      const upIO: ModuleIO = { session: await sessionFor(un), input: us.inputs[0].name, output: us.outputs[0].name };
      mods.encoders[k] = encIO;
      mods.ups[k] = upIO;
    }
    const fusionSession = await sessionFor(fusionName);
    mods.fusion = { session: fusionSession, tokens: tokensIn.name, doy: doyIn.name, output: fusionOut.name, channels: outChannels };

    // The fused grid: the reference, or the part of it the HR image covers.
    const win = hr?.report.window ?? { x: 0, y: 0, width: ref.width, height: ref.height };
    const hrParts: StackPart[] = [];
    const hrSpecs: FrameSpec[] = [];
    if (hr) {
      // Only the rows the fused pass's tiles read (all, or a shard's).
      const plan = planTiles({ width: win.width, height: win.height, tileWidth: tile, tileHeight: tile, overlapX: overlap, overlapY: overlap, stride: 1 }, typeof so.shard === 'string' ? parseShard(so.shard) : so.shard);
      const rows = inputRowsOf(plan);
      hrFeatures = await hr.compute({ out: o.out, rows, signal: o.signal, progress: so.progress });
      if (o.signal?.aborted) throw new ApiError('E_CANCELLED', `${task} cancelled`);
      const dy = win.y + rows[0];
      hrParts.push({ raster: hrFeatures, bands: hrFeatures.info.bandNames.map((_, i) => i + 1), fit: { kind: 'nearest', a: -win.x, sx: 1, b: -dy, sy: 1, offsetPx: [win.x, dy] }, label: 'HR' });
      hrSpecs.push({ modality: 'hr', channels: hr.channels, normalise: (t) => t, doy: 0 });
    }
    const frameSpecs: FrameSpec[] = [...hrSpecs, ...frames.map((e) => ({
      modality: e.modality,
      channels: e.mapping.bands.length,
      // The stack has already turned each file's nodata into NaN.
      normalise: makeNormaliser(m.modalities[e.modality]!, e.units, null),
      doy: e.date.tableIndex === null ? 0 : e.date.tableIndex + 1,
    }))];
    const parts: StackPart[] = [...hrParts, ...frames.map((e) => ({ raster: e.raster, bands: e.mapping.bands, fit: e.fit, label: `${e.modality.toUpperCase()} ${e.date.date ?? `#${e.given + 1}`}` }))];
    stack = new StackedRaster(ref, parts);
    const masked = mask ? maskedRaster(stack, mask) : stack;
    tiled = hr ? croppedRaster(masked, win) : masked;
    const grid = tiled.info;
    const perTile = stack.info.bandCount * tile * tile * 4;
    const batch = o.batch ?? Math.max(1, Math.min(4, Math.floor((32 * 1024 * 1024) / perTile)));
    const dateList = (k: FusedModality) => frames.filter((e) => e.modality === k).map((e) => e.date.date ?? '?').join(',');
    const positions = new Map(frames.map((e, i) => [e, i + hrSpecs.length]));

    return {
      present,
      modalities: hr ? ['hr', ...present] : present,
      hr: hr?.report ?? null,
      ref: grid,
      raster: tiled,
      tile,
      overlap,
      margin,
      batch,
      fusionName,
      fusionOutput: fusionOut.name,
      channels: outChannels,
      mask: mask?.report ?? null,
      dateEmbedding: de ? { table: de.table, index: de.index, appliesTo: [...de.appliesTo] } : null,
      notes,
      sessions,
      fallbacks,
      provider: fusionSession.provider,
      dateMetadata: {
        ...(present.includes('s2') ? { SKYSENSE_S2_DATES: dateList('s2') } : {}),
        ...(present.includes('s1') ? { SKYSENSE_S1_DATES: dateList('s1') } : {}),
        ...(hr ? { SKYSENSE_HR: basename(hr.report.path) } : {}),
      },
      inputs: opened.map((e) => ({
        modality: e.modality,
        position: positions.get(e)!,
        given: e.given,
        path: e.path,
        files: e.raster.info.files,
        date: e.date.date,
        dateSource: e.date.source,
        dateDetail: e.date.detail,
        dayOfYear: e.date.dayOfYear,
        tableIndex: e.date.tableIndex,
        doyFed: frameSpecs[positions.get(e)!].doy,
        bands: e.mapping.bands,
        bandNames: e.mapping.bands.map((b) => e.raster.info.bandNames[b - 1] ?? `band ${b}`),
        bandsFoundBy: e.mapping.how,
        units: e.units,
        grid: e === opened[0] ? 'the reference grid' : gridNote(e.fit),
        notes: e.date.notes,
      })),
      infer: (keepMargin) => makeFusedInfer(frameSpecs, mods, { margin: keepMargin, width: grid.width, height: grid.height }),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
