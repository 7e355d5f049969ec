/**
 * Labels as a GeoJSON FeatureCollection that GDAL, QGIS and the trainer read: one feature
 * per label with "class" and "shape" properties. Coordinates are in the raster's CRS, named
 * by a "crs" member, where it has an EPSG code; otherwise in lon/lat WGS 84 (RFC 7946), the
 * only other CRS a GeoJSON reader is sure to place. A foreign member "skysense" keeps what
 * GeoJSON has no place for (the target rasters, the class list with colours and order).
 */
import proj4 from 'proj4';
import { ApiError, LabelSet, type Crs, type LabelFeature } from '../api.ts';
import { WGS84_LONLAT } from '../vector/index.ts';

const FORMAT = 'skysense-labels';
const VERSION = 1;

type XY = [number, number];

function converter(crs: Crs, toLonLat: boolean): (p: XY) => XY {
  const c = proj4(crs.proj4, WGS84_LONLAT);
  return toLonLat ? (p) => c.forward(p) as XY : (p) => c.inverse(p) as XY;
}

function geometryOf(f: LabelFeature, move: (p: XY) => XY) {
  const pts = f.coordinates.map((p) => move(p as XY));
  return f.shape === 'point' ? { type: 'Point', coordinates: pts[0] } : { type: 'Polygon', coordinates: [pts] };
}

export function labelsToGeoJson(set: LabelSet, crs: Crs): string {
  const inCrs = crs.epsg !== null;
  const move = inCrs ? (p: XY) => p : converter(crs, true);
  const doc = {
    type: 'FeatureCollection',
    name: 'labels',
    ...(inCrs ? { crs: { type: 'name', properties: { name: `urn:ogc:def:crs:EPSG::${crs.epsg}` } } } : {}),
    skysense: { format: FORMAT, version: VERSION, coordinates: inCrs ? 'raster-crs' : 'lonlat', target: set.target, classes: set.classes },
    features: set.features.map((f) => ({ type: 'Feature', id: f.id, properties: { class: f.class, shape: f.shape, label_id: f.id }, geometry: geometryOf(f, move) })),
  };
  return `${JSON.stringify(doc)}\n`;
}

interface Stored {
  skysense?: { format?: unknown; version?: unknown; coordinates?: unknown; target?: unknown; classes?: unknown };
  features?: { id?: unknown; properties?: Record<string, unknown>; geometry?: { type?: unknown; coordinates?: unknown } }[];
}

/** What labelsToGeoJson wrote, back as a LabelSet in the raster's CRS; `crsOf` resolves the target's CRS when the file holds lon/lat. */
export async function labelsFromGeoJson(path: string, text: string, crsOf: (set: Pick<LabelSet, 'target'>) => Promise<Crs>): Promise<LabelSet> {
  let doc: Stored;
  try {
    doc = JSON.parse(text) as Stored;
  } catch (err) {
    throw new ApiError('E_CORRUPT', `${path}: not JSON (${(err as Error).message})`, path);
  }
  const meta = doc?.skysense;
  if (!meta || meta.format !== FORMAT) throw new ApiError('E_BAD_REQUEST', `${path}: not a labels file of this application (no "skysense" member); bring other label files in with Import labels`, path);
  if (meta.version !== VERSION) throw new ApiError('E_UNSUPPORTED', `${path}: labels file version ${String(meta.version)}; this build reads version ${VERSION}`, path);
  const lonLat = meta.coordinates === 'lonlat';
  const move = lonLat ? converter(await crsOf({ target: meta.target as LabelSet['target'] }), false) : (p: XY) => p;
  const features = (doc.features ?? []).map((f) => {
    const g = f.geometry;
    const raw = g?.type === 'Point' ? [g.coordinates] : g?.type === 'Polygon' && Array.isArray(g.coordinates) ? (g.coordinates as unknown[])[0] : null;
    return {
      id: String(f.properties?.label_id ?? f.id ?? ''),
      class: f.properties?.class,
      shape: f.properties?.shape,
      coordinates: Array.isArray(raw) ? raw.map((p) => (Array.isArray(p) ? move([Number(p[0]), Number(p[1])]) : p)) : raw,
    };
  });
  const parsed = LabelSet.safeParse({ target: meta.target, classes: meta.classes, features });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.');
    throw new ApiError('E_CORRUPT', `${path}: ${key ? `${key}: ` : ''}${issue.message}`, path);
  }
  return parsed.data;
}
