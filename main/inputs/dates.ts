/**
 * Acquisition dates as the fusion module needs them: a calendar day, where it came from,
 * and the row of the model's date table (SkySense's calendar embedding, indexed by
 * day of year). Pure text handling; reading dates out of files is raster-dates.ts and
 * settling a whole series is series-dates.ts.
 *
 * Names: Sentinel product and granule names carry the sensing start as the FIRST
 * date-time (later ones are the stop time or the processing baseline's generation time),
 * so those patterns are tried before any generic date. A name with several different
 * generic dates (a range such as "..._2020-08-30_2022-03-03") says nothing certain and
 * is reported as ambiguous rather than guessed.
 */

/** A calendar day (UTC), valid by construction. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export type DateSource = 'user' | 'metadata' | 'name' | 'tiff-datetime';

export interface NameDate {
  date: CalendarDate;
  /** The part of the name that gave it and what it was read as. */
  detail: string;
}

export type NameDateResult = { kind: 'date'; found: NameDate } | { kind: 'ambiguous'; dates: CalendarDate[]; name: string } | { kind: 'none' };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatDate(d: CalendarDate): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

export function sameDate(a: CalendarDate, b: CalendarDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysIn(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/**
 * The day if year/month/day name a real one. Years are limited to 1950..2199: Earth
 * observation imagery is not older, and a wider range lets any 8-digit id pass as a date.
 */
export function makeDate(year: number, month: number, day: number): CalendarDate | null {
  if (![year, month, day].every(Number.isInteger)) return null;
  if (year < 1950 || year > 2199 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  return { year, month, day };
}

/** 1..365 (366 on 31 December of a leap year). */
export function dayOfYear(d: CalendarDate): number {
  let n = d.day;
  for (let m = 1; m < d.month; m++) n += daysIn(d.year, m);
  return n;
}

/**
 * The manifest's date-table row: "day_of_year - 1, clamped to 0..table-1". With a
 * 365-row table, 31 December of a leap year (day 366) shares the last row with 30 December.
 */
export function dateTableIndex(doy: number, table: number): number {
  return Math.min(Math.max(doy - 1, 0), table - 1);
}

/** Today's date in UTC. */
export function utcDay(now: Date): CalendarDate {
  return { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1, day: now.getUTCDate() };
}

/**
 * A date the user typed: YYYY-MM-DD (ISO 8601), optionally with a time part
 * (YYYY-MM-DDThh:mm[:ss][Z]), or the compact YYYYMMDD dataset tables use. Null when it
 * is not one.
 */
export function parseUserDate(text: string): CalendarDate | null {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  return m ? makeDate(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/**
 * The date at the start of a metadata value: "2015-07-11T10:00:08", "2017-06-13T10:10:31.026Z",
 * "2010-08-15", TIFF's "2022:09:04 15:46:03", "2017/06/13", "20170613T101031".
 */
export function parseMetadataDate(value: string): CalendarDate | null {
  const m = /^\s*(\d{4})([-:/]?)(\d{2})\2(\d{2})(?![0-9])/.exec(value) ?? /^\s*(\d{4})()(\d{2})(\d{2})T\d{4,6}/.exec(value);
  return m ? makeDate(Number(m[1]), Number(m[3]), Number(m[4])) : null;
}

interface NamePattern {
  what: string;
  re: RegExp;
}

/**
 * Named products, most specific first. Group 1 is the sensing date (YYYYMMDD). BigEarthNet
 * v1 patch names drop a leading zero of the time ("20170924T93021"), hence \d{5,6}.
 */
const PRODUCT_PATTERNS: NamePattern[] = [
  { what: 'Sentinel-2 product name (sensing start)', re: /S2[A-D]_MSI(?:L1C|L2A|L2AP|L1B|L0)_(\d{8})T\d{5,6}/i },
  { what: 'Sentinel-1 product name (sensing start)', re: /S1[A-D]_[A-Z0-9]{2}_(?:GRD[FHM]|SLC_|RAW_|OCN_)_[A-Z0-9]{4}_(\d{8})T\d{6}/i },
  { what: 'Sentinel-2 tile file name (sensing start)', re: /(?:^|[^A-Za-z0-9])T\d{2}[A-Z]{3}_(\d{8})T\d{6}/i },
];

/** Generic dates: compact date-time, dashed/underscored date, plain YYYYMMDD. */
const GENERIC = /(?<![0-9])(?:(\d{4})(\d{2})(\d{2})T\d{4,6}(?![0-9])|(\d{4})([-_.])(\d{2})\5(\d{2})(?![0-9])|(\d{4})(\d{2})(\d{2})(?![0-9]))/g;

/** The acquisition date a file or folder name states, if any (one name, no directories). */
export function dateFromName(name: string): NameDateResult {
  for (const p of PRODUCT_PATTERNS) {
    const m = p.re.exec(name);
    if (!m) continue;
    const s = m[1];
    const date = makeDate(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
    if (date) return { kind: 'date', found: { date, detail: `${p.what} "${m[0].replace(/^[^A-Za-z0-9]/, '')}" in "${name}"` } };
  }
  const found: { date: CalendarDate; text: string }[] = [];
  for (const m of name.matchAll(GENERIC)) {
    const y = m[1] ?? m[4] ?? m[8];
    const mo = m[2] ?? m[6] ?? m[9];
    const d = m[3] ?? m[7] ?? m[10];
    const date = makeDate(Number(y), Number(mo), Number(d));
    if (date && !found.some((f) => sameDate(f.date, date))) found.push({ date, text: m[0] });
  }
  if (found.length === 0) return { kind: 'none' };
  if (found.length > 1) return { kind: 'ambiguous', dates: found.map((f) => f.date), name };
  return { kind: 'date', found: { date: found[0].date, detail: `date "${found[0].text}" in "${name}"` } };
}
