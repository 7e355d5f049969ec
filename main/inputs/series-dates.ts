/**
 * One acquisition date per raster of a series, and where it came from. Sources, first
 * that answers wins:
 *
 *   1. the user's list (`--dates` / `--s1-dates`: one ISO date per input, in input order);
 *   2. an acquisition metadata item inside the file (raster-dates.ts);
 *   3. the file or folder name: the input's own name, the first band file's name, then
 *      up to two parent folders (Sentinel product / granule folders hold the files);
 *   4. the TIFF DateTime tag (when the file was written: a weak guess, flagged in notes).
 *
 * A date from any source that lies after today is an error (a wrong clock or a typo
 * would otherwise pick a wrong calendar row silently). Where the user's date and the
 * file's own disagree, the user's wins and a note says so. A series whose dates are not
 * in order is put in order (orderSeries): the fusion module has no positional embedding,
 * so order does not change the features; the report lists the order used.
 */
import { basename, dirname, extname } from 'node:path';
import { ApiError } from '../api.ts';
import { compareDates, dateFromName, dateTableIndex, dayOfYear, formatDate, parseUserDate, sameDate, utcDay, type CalendarDate, type DateSource } from './dates.ts';
import { readRasterDateTags } from './raster-dates.ts';

export interface ResolvedDate {
  /** YYYY-MM-DD, or null when no source gave one (allowed only where the model does not use dates). */
  date: string | null;
  source: DateSource | null;
  /** Which item, name or flag gave it. */
  detail: string;
  /** 1..366, null without a date. */
  dayOfYear: number | null;
  /** Row of the model's date table (day_of_year - 1 clamped to the table), null when not used. */
  tableIndex: number | null;
  notes: string[];
}

export interface SeriesInputRef {
  /** What the user gave (a file or a band folder). */
  path: string;
  /** The files that make up the raster. */
  files: string[];
}

export interface SeriesDateOptions {
  /** 'S2' / 'S1', for messages. */
  label: string;
  /** The user's flag, for messages ('--dates'). */
  flag: string;
  /** The user's dates, already checked by parseUserDates (same length as inputs). */
  user?: CalendarDate[];
  /** Whether every input must have a date (the model's date table applies to this modality). */
  required: boolean;
  /** Rows of the model's date table; null when the modality gets no calendar embedding. */
  table: number | null;
  now: Date;
}

function bad(msg: string, file?: string): ApiError {
  return new ApiError('E_BAD_REQUEST', msg, file);
}

function todayText(now: Date): string {
  return `${formatDate(utcDay(now))} UTC`;
}

/**
 * The user's dates, checked before any file is opened: each parses, none is in the
 * future, and there is one per input.
 */
export function parseUserDates(texts: readonly string[], flag: string, inputs: number, label: string, now: Date): CalendarDate[] {
  const today = utcDay(now);
  const dates = texts.map((t) => {
    const d = parseUserDate(t);
    if (!d) throw bad(`${flag} ${t}: not a date (expected YYYY-MM-DD)`);
    if (compareDates(d, today) > 0) throw bad(`${flag} ${t}: is in the future (today is ${todayText(now)})`);
    return d;
  });
  if (dates.length !== inputs) {
    throw bad(`${flag}: ${dates.length} date${dates.length === 1 ? '' : 's'} for ${inputs} ${label} input${inputs === 1 ? '' : 's'} (give one per input, in the order of the inputs)`);
  }
  return dates;
}

/** The names a raster's date may be written in, nearest first. */
export function nameCandidates(ref: SeriesInputRef): string[] {
  const strip = (p: string) => basename(p, extname(p));
  const out: string[] = [];
  const add = (n: string) => {
    if (n && n !== '.' && n !== '/' && !out.includes(n)) out.push(n);
  };
  add(strip(ref.path));
  if (ref.files[0] && ref.files[0] !== ref.path) add(strip(ref.files[0]));
  let dir = dirname(ref.path);
  for (let k = 0; k < 2 && dir !== dirname(dir); k++, dir = dirname(dir)) add(basename(dir));
  return out;
}

interface Found {
  date: CalendarDate;
  source: DateSource;
  detail: string;
}

async function fileDates(ref: SeriesInputRef): Promise<{ metadata: Found | null; name: Found | null; tiff: Found | null; ambiguous: string[] }> {
  const tags = await readRasterDateTags(ref.files[0] ?? ref.path);
  const ambiguous: string[] = [];
  let name: Found | null = null;
  for (const n of nameCandidates(ref)) {
    const r = dateFromName(n);
    if (r.kind === 'date') {
      name = { date: r.found.date, source: 'name', detail: r.found.detail };
      break;
    }
    if (r.kind === 'ambiguous') ambiguous.push(`"${r.name}" holds several dates (${r.dates.map(formatDate).join(', ')})`);
  }
  return {
    metadata: tags.metadata && { date: tags.metadata.date, source: 'metadata', detail: tags.metadata.detail },
    name,
    tiff: tags.tiffDateTime && { date: tags.tiffDateTime.date, source: 'tiff-datetime', detail: tags.tiffDateTime.detail },
    ambiguous,
  };
}

/** Dates of a series' rasters, one per input, in input order. */
export async function resolveSeriesDates(inputs: readonly SeriesInputRef[], o: SeriesDateOptions): Promise<ResolvedDate[]> {
  const today = utcDay(o.now);
  const out: ResolvedDate[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const ref = inputs[i];
    const notes: string[] = [];
    const f = await fileDates(ref);
    const own = f.metadata ?? f.name;
    let pick: Found | null = null;
    const u = o.user?.[i];
    if (u) {
      pick = { date: u, source: 'user', detail: `${o.flag} (item ${i + 1})` };
      if (own && !sameDate(own.date, u)) notes.push(`the file says ${formatDate(own.date)} (${own.detail}); ${o.flag} gives ${formatDate(u)}, which is used`);
    } else {
      pick = own ?? f.tiff;
      if (f.metadata && f.name && !sameDate(f.metadata.date, f.name.date)) {
        notes.push(`the name says ${formatDate(f.name.date)} (${f.name.detail}); the metadata date ${formatDate(f.metadata.date)} is used`);
      }
      if (pick?.source === 'tiff-datetime') notes.push('only the TIFF DateTime tag gave a date; it records when the file was written, which may not be the acquisition day: check it or give it');
    }
    if (!pick) {
      if (o.required) {
        const why = f.ambiguous.length ? `; ${f.ambiguous.join('; ')}` : '';
        throw bad(
          `${ref.path}: no acquisition date found for ${o.label} input ${i + 1} (no date metadata, no date in ${nameCandidates(ref).map((n) => `"${n}"`).join(', ')}${why}); give ${o.flag} with one YYYY-MM-DD per ${o.label} input`,
          ref.path,
        );
      }
      out.push({ date: null, source: null, detail: 'not found (not used by the model)', dayOfYear: null, tableIndex: null, notes: f.ambiguous });
      continue;
    }
    if (compareDates(pick.date, today) > 0) {
      throw bad(`${ref.path}: acquisition date ${formatDate(pick.date)} (${pick.detail}) is in the future (today is ${todayText(o.now)}); give ${o.flag}`, ref.path);
    }
    const doy = dayOfYear(pick.date);
    out.push({ date: formatDate(pick.date), source: pick.source, detail: pick.detail, dayOfYear: doy, tableIndex: o.table === null ? null : dateTableIndex(doy, o.table), notes });
  }
  return out;
}

/**
 * Input indices in date order (stable; inputs without a date keep their place at the
 * end), and whether that differs from the order given.
 */
export function orderSeries(dates: readonly ResolvedDate[]): { order: number[]; reordered: boolean } {
  const idx = dates.map((_, i) => i);
  const key = (i: number) => dates[i].date;
  const order = [...idx].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === kb) return a - b;
    if (ka === null) return 1;
    if (kb === null) return -1;
    return ka < kb ? -1 : 1;
  });
  return { order, reordered: order.some((v, i) => v !== i) };
}
