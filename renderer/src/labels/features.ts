// Feature edits of a label set: add a drawn label, give one new coordinates (a vertex edit
// or a move), delete one. Pure: unchanged features keep their objects, so the map redraws
// only what changed.
import type { LabelFeature, LabelSet, LabelShape } from '../../../main/api.ts';

type XY = [number, number];

/** An id no feature of the set has: "f" and one more than the highest number used. */
export function nextFeatureId(set: LabelSet): string {
  let max = 0;
  for (const f of set.features) {
    const m = /^f(\d+)$/.exec(f.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `f${max + 1}`;
}

/** A ring whose last position is its first (the contract's closed ring). */
export function closeRing(ring: XY[]): XY[] {
  if (ring.length === 0) return ring;
  const [a, z] = [ring[0], ring[ring.length - 1]];
  return a[0] === z[0] && a[1] === z[1] ? ring : [...ring, [a[0], a[1]]];
}

export function addFeature(set: LabelSet, cls: string, shape: LabelShape, coordinates: XY[]): LabelSet {
  if (!set.classes.some((c) => c.name === cls)) return set;
  const coords = shape === 'point' ? coordinates.slice(0, 1) : closeRing(coordinates);
  if (shape === 'point' ? coords.length !== 1 : coords.length < 4) return set;
  const feature: LabelFeature = { id: nextFeatureId(set), class: cls, shape, coordinates: coords };
  return { ...set, features: [...set.features, feature] };
}

/** Equal but for the rounding of a CRS round trip through the map's projection. */
const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
const samePositions = (a: XY[], b: XY[]) => a.length === b.length && a.every((p, i) => near(p[0], b[i][0]) && near(p[1], b[i][1]));

/**
 * New coordinates for feature `id`; a box whose corners were dragged apart is a polygon from
 * then on. The same positions again (a click on a vertex) change nothing, so leave no undo step.
 */
export function modifyFeature(set: LabelSet, id: string, coordinates: XY[], shape?: LabelShape): LabelSet {
  const old = set.features.find((f) => f.id === id);
  if (!old || samePositions(old.coordinates as XY[], old.shape === 'point' ? coordinates.slice(0, 1) : closeRing(coordinates))) return set;
  const next = shape ?? old.shape;
  const coords = next === 'point' ? coordinates.slice(0, 1) : closeRing(coordinates);
  if (next === 'point' ? coords.length !== 1 : coords.length < 4) return set;
  return { ...set, features: set.features.map((f) => (f.id === id ? { ...f, shape: next, coordinates: coords } : f)) };
}

export function deleteFeature(set: LabelSet, id: string): LabelSet {
  return set.features.some((f) => f.id === id) ? { ...set, features: set.features.filter((f) => f.id !== id) } : set;
}
