// What a label set belongs to, from the layers the window shows: one raster, or a
// before/after pair whose labels are drawn in the before raster's CRS. Labels are kept in
// a raster's own coordinates, so only a georeferenced raster with a CRS can carry them.
import type { Layer, LabelTarget } from '../../../main/api.ts';
import { reopenPaths } from '../state/project-build.ts';

export function canLabel(layer: Layer): boolean {
  return layer.info.georeferenced && layer.info.crs !== null && layer.info.crs !== undefined;
}

export function rasterTarget(layer: Layer): LabelTarget {
  return { kind: 'raster', paths: reopenPaths(layer.info) };
}

export function pairTarget(before: Layer, after: Layer): LabelTarget {
  return { kind: 'pair', before: reopenPaths(before.info), after: reopenPaths(after.info) };
}

/** One date of a series: a layer, the modality and date the engine reads for it (layer.acquisition). */
export interface SeriesDate {
  layer: Layer;
  modality: 's2' | 's1' | 'hr' | null;
  date: string | null;
}

/**
 * A series target from the dates ticked: S2 and S1 rasters, each in date order, with their
 * dates when every one of a kind has one (else the engine reads them itself). A series date is
 * one file or band folder, as `skysense run` takes one per date; the rest is said in words.
 */
export function seriesTarget(dates: readonly SeriesDate[]): { target: LabelTarget | null; problem: string | null } {
  const many = dates.find((d) => reopenPaths(d.layer.info).length !== 1);
  if (many) return { target: null, problem: `${many.layer.name} was opened from several files; a series date is one file or band folder` };
  const other = dates.find((d) => d.modality !== 's2' && d.modality !== 's1');
  if (other) return { target: null, problem: `${other.layer.name} reads as ${other.modality ?? 'no modality'}; a series takes Sentinel-2 and Sentinel-1 rasters` };
  const byDate = (a: SeriesDate, b: SeriesDate) => (a.date ?? '').localeCompare(b.date ?? '');
  const s2 = dates.filter((d) => d.modality === 's2').sort(byDate);
  const s1 = dates.filter((d) => d.modality === 's1').sort(byDate);
  if (s2.length + s1.length < 2) return { target: null, problem: 'tick at least two dates for a series' };
  const paths = (list: SeriesDate[]) => (list.length ? list.map((d) => reopenPaths(d.layer.info)[0]) : undefined);
  const when = (list: SeriesDate[]) => (list.length && list.every((d) => d.date) ? list.map((d) => d.date!) : undefined);
  const series = Object.fromEntries(Object.entries({ s2: paths(s2), s1: paths(s1), dates: when(s2), s1Dates: when(s1) }).filter(([, v]) => v !== undefined));
  return { target: { kind: 'series', series }, problem: null };
}

/** The paths of the raster the labels are drawn on (its CRS is theirs). */
export function drawnPaths(target: LabelTarget): string[] {
  if (target.kind === 'raster') return target.paths;
  if (target.kind === 'pair') return target.before;
  const s = target.series;
  return s.s2?.slice(0, 1) ?? s.s1?.slice(0, 1) ?? (s.hr ? [s.hr] : []);
}

/** The open layer the labels are drawn on, if it is open. */
export function layerOfTarget(layers: Layer[], target: LabelTarget): Layer | null {
  const want = drawnPaths(target).join('\n');
  return layers.find((l) => reopenPaths(l.info).join('\n') === want) ?? null;
}

const baseName = (path: string) => path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() ?? path;
const stem = (path: string) => baseName(path).replace(/\.[A-Za-z0-9]+$/, '').replace(/[^A-Za-z0-9_.-]+/g, '-') || 'labels';

/** `<folder>/labels/<raster name>.labels.geojson` (a pair: both names). */
export function labelsFileFor(folder: string, target: LabelTarget): string {
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  const first = drawnPaths(target)[0] ?? 'labels';
  const name = target.kind === 'pair' ? `${stem(first)}-${stem(target.after[0])}` : stem(first);
  return `${folder.replace(/[\\/]+$/, '')}${sep}labels${sep}${name}.labels.geojson`;
}

/** How the panel names the target. */
export function targetName(target: LabelTarget): string {
  if (target.kind === 'pair') return `${baseName(target.before[0])} → ${baseName(target.after[0])}`;
  return drawnPaths(target).map(baseName).join(', ');
}
