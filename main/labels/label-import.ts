/**
 * Any GeoJSON or GeoPackage of polygons and points as labels of a raster: read the way the
 * map reads vector layers (main/vector, to lon/lat), then placed in the raster's CRS. Each
 * polygon part becomes one label (holes are dropped and counted: a drawn label has none),
 * each point one point; axis-aligned four-corner rings come back as boxes. The class is the
 * attribute named, else the first class-like attribute (class_name, class, category...).
 */
import proj4 from 'proj4';
import { ApiError, type LabelFeature, type LabelSet, type LabelTarget, type VectorGeometry } from '../api.ts';
import { readVectorForDisplay, WGS84_LONLAT } from '../vector/index.ts';
import { classColour } from './label-palette.ts';
import { targetRaster } from './label-target.ts';

type XY = [number, number];

function isBox(ring: XY[]): boolean {
  if (ring.length !== 5) return false;
  const xs = new Set(ring.map((p) => p[0]));
  const ys = new Set(ring.map((p) => p[1]));
  return xs.size === 2 && ys.size === 2;
}

function closed(ring: XY[]): XY[] {
  const [a, z] = [ring[0], ring[ring.length - 1]];
  return a[0] === z[0] && a[1] === z[1] ? ring : [...ring, a];
}

export async function importLabels(path: string, target: LabelTarget, classField?: string, layer?: string): Promise<{ set: LabelSet; note: string | null }> {
  const info = await targetRaster(target);
  const data = await readVectorForDisplay(path, layer);
  const field = classField ?? data.classField;
  if (!field) throw new ApiError('E_BAD_REQUEST', `${data.path}: no class attribute found (looked for class_name, class, category, label, type, name among ${data.fields.join(', ') || 'no attributes'}); name the field`, data.path);
  if (classField && !data.fields.includes(classField)) throw new ApiError('E_BAD_REQUEST', `${data.path}: no attribute "${classField}" (it has ${data.fields.join(', ') || 'none'})`, data.path);
  const toRaster = proj4(WGS84_LONLAT, info.crs!.proj4);
  const move = (p: number[]): XY => toRaster.forward([p[0], p[1]]) as XY;
  const classes: string[] = [];
  const features: LabelFeature[] = [];
  let holes = 0;
  let unnamed = 0;
  const add = (cls: string, shape: LabelFeature['shape'], coordinates: XY[]) => {
    if (!classes.includes(cls)) classes.push(cls);
    features.push({ id: `import-${features.length + 1}`, class: cls, shape, coordinates });
  };
  for (const f of data.features) {
    const raw = f.properties[field];
    if (raw === null || raw === undefined || String(raw).trim() === '') {
      unnamed++;
      continue;
    }
    const cls = String(raw).trim();
    const g: VectorGeometry = f.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    const points = g.type === 'Point' ? [g.coordinates] : g.type === 'MultiPoint' ? g.coordinates : [];
    for (const rings of polygons) {
      holes += rings.length - 1;
      const ring = closed(rings[0].map(move));
      if (ring.length >= 4) add(cls, isBox(ring) ? 'box' : 'polygon', ring);
    }
    for (const p of points) add(cls, 'point', [move(p)]);
  }
  if (features.length === 0) throw new ApiError('E_BAD_REQUEST', `${data.path}: no polygon or point with a "${field}" value to import`, data.path);
  const notes = [
    `classes from "${field}"`,
    holes ? `${holes} hole(s) dropped (labels have outer rings only)` : '',
    unnamed ? `${unnamed} feature(s) without a ${field} value left out` : '',
    data.skipped ? `${data.skipped} row(s) without a geometry left out` : '',
  ].filter(Boolean);
  const set: LabelSet = { target, classes: classes.map((name, i) => ({ name, color: classColour(i) })), features };
  return { set, note: notes.join('; ') };
}
