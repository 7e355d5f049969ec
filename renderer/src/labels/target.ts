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
