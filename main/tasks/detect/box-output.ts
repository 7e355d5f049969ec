/**
 * Detected boxes to map features: each box's four corners go through the raster grid's
 * geotransform (an affine map, so a rotated box stays an exact parallelogram on the map;
 * main/vector's boxToPolygon) and become a closed polygon ring, with the attributes
 *   class (name), class_id, score, area (m²: planar in a projected CRS, on the ellipsoid
 *   in a geographic one; px² without a CRS), angle (degrees, counter-clockwise, oriented
 *   runs only), source (input file).
 * Written through main/vector's writer (GeoJSON or GeoPackage by the extension),
 * under a temporary name and renamed when whole.
 */
import type { Crs, GeoTransform } from '../../api.ts';
import { IDENTITY } from '../../raster/index.ts';
import { boxToPolygon, geometryArea, openVectorWriter, type Feature, type FieldDef, type VectorWriter } from '../../vector/index.ts';
import type { Box } from '../../heads/index.ts';

export interface BoxOutputOptions {
  path: string;
  crs: Crs | null;
  /** Pixel -> CRS; null writes pixel coordinates (not georeferenced). */
  geoTransform: GeoTransform | null;
  classNames: string[];
  source: string;
  oriented: boolean;
  layer?: string;
}

export interface BoxOutput {
  add(boxes: Box[]): Promise<void>;
  finish(): Promise<void>;
  abort(): Promise<void>;
  readonly count: number;
  readonly perClass: Record<string, number>;
}

function boxFields(oriented: boolean): FieldDef[] {
  return [
    { name: 'class', type: 'text' },
    { name: 'class_id', type: 'integer' },
    { name: 'score', type: 'real' },
    { name: 'area', type: 'real' },
    ...(oriented ? [{ name: 'angle', type: 'real' } as FieldDef] : []),
    { name: 'source', type: 'text' },
  ];
}

/** The map polygon of a box (main/vector's box helper) and its attributes; area in m² (pixels² without a CRS). */
function boxToFeature(b: Box, o: Omit<BoxOutputOptions, 'path' | 'layer'>): Feature {
  const geometry = boxToPolygon(b, o.geoTransform ?? IDENTITY);
  const properties: Feature['properties'] = {
    class: o.classNames[b.cls] ?? `class_${b.cls}`,
    class_id: b.cls,
    score: b.score,
    area: o.crs ? geometryArea(geometry, o.crs) : b.w * b.h,
  };
  if (o.oriented) properties.angle = (b.angle * 180) / Math.PI;
  properties.source = o.source;
  return { geometry, properties };
}

export async function openBoxOutput(o: BoxOutputOptions): Promise<BoxOutput> {
  const writer: VectorWriter = await openVectorWriter(o.path, {
    crs: o.crs,
    layer: o.layer ?? 'detections',
    fields: boxFields(o.oriented),
    geometryType: 'Polygon',
  });
  let count = 0;
  const perClass: Record<string, number> = {};
  return {
    async add(boxes) {
      const features = boxes.map((b) => boxToFeature(b, o));
      for (const f of features) perClass[String(f.properties.class)] = (perClass[String(f.properties.class)] ?? 0) + 1;
      count += features.length;
      await writer.add(features);
    },
    finish: () => writer.finish(),
    abort: () => writer.abort(),
    get count() {
      return count;
    },
    get perClass() {
      return perClass;
    },
  };
}
