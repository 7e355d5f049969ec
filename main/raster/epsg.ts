/**
 * Offline EPSG lookups from the epsg-index package (one small JSON per code with name,
 * WKT1 and proj4), read on demand so nothing loads the 8 MB index as a whole.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface EpsgEntry {
  code: number;
  kind: string;
  name: string;
  wkt: string;
  proj4: string;
  unit: string;
}

const require = createRequire(import.meta.url);
let dir: string | null = null;
const cache = new Map<number, EpsgEntry | null>();

function indexDir(): string {
  if (!dir) dir = join(dirname(require.resolve('epsg-index/package.json')), 's');
  return dir;
}

export function lookupEpsg(code: number): EpsgEntry | null {
  if (!Number.isInteger(code) || code <= 0) return null;
  if (cache.has(code)) return cache.get(code)!;
  let entry: EpsgEntry | null = null;
  try {
    const raw = JSON.parse(readFileSync(join(indexDir(), `${code}.json`), 'utf8')) as Record<string, unknown>;
    if (typeof raw.proj4 === 'string' && raw.proj4.trim() !== '') {
      entry = {
        code,
        kind: String(raw.kind ?? ''),
        name: String(raw.name ?? `EPSG:${code}`),
        wkt: String(raw.wkt ?? ''),
        proj4: raw.proj4,
        unit: String(raw.unit ?? ''),
      };
    }
  } catch {
    entry = null;
  }
  cache.set(code, entry);
  return entry;
}
