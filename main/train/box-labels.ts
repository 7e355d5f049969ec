/**
 * Object labels for detect heads as boxes in the input's pixel coordinates: from a DOTA
 * labelTxt file (dota-labels.ts; pixel coordinates, any image) or from GeoJSON / GeoPackage
 * polygons with a class attribute (each polygon, or each part of a multipolygon, one box;
 * reprojected vertex by vertex to the raster's CRS as vector-labels.ts does). A box is the
 * outline's envelope, or with `oriented` its rectangle (box-fit.ts). Everything a box cannot
 * be is refused by name before any features are computed: a point (a box needs a size), a
 * class not among the classes, a box whose centre lies outside the image (it has no cell).
 * The detect task's own output reads back here too (eval), with its `score` kept.
 */
import { extname } from 'node:path';
import proj4 from 'proj4';
import { ApiError, type RasterInfo } from '../api.ts';
import type { Box, Point } from '../heads/index.ts';
import { pixelOf } from '../raster/index.ts';
import { readGeoJsonFeatures, readGpkgFeatures } from '../vector/index.ts';
import { ringBox } from './box-fit.ts';
import { readDota } from './dota-labels.ts';

/** A labelled box: Box.cls is the head's class value (1.. for objects; 0 is background). */
export interface GroundBox extends Box {
  /** DOTA's difficult flag: left out of the AP (neither found nor missed). */
  difficult: boolean;
}

export interface BoxLabelOptions {
  /** The object classes, in order (the head's classes are ["background", ...these]). */
  classes: readonly string[];
  oriented: boolean;
  classField?: string;
  labelValues?: Record<string, string> | null;
  layer?: string;
  /** The file is a detect run's output (it may be empty): in map coordinates, or pixels where the raster has no georeferencing. */
  detections?: 'map' | 'pixels';
}

export interface BoxLabels {
  boxes: GroundBox[];
  note: string | null;
}

export function isBoxLabelFile(path: string): boolean {
  return /^\.(txt|geojson|json|gpkg)$/.test(extname(path).toLowerCase());
}

export async function readBoxLabels(path: string, input: RasterInfo, o: BoxLabelOptions): Promise<BoxLabels> {
  const classOf = (raw: unknown, where: string): number => {
    const name = o.labelValues ? o.labelValues[String(raw)] : String(raw);
    const k = name === undefined ? -1 : o.classes.indexOf(name);
    if (k < 0) throw new ApiError('E_BAD_REQUEST', `${path}: ${where}: class ${JSON.stringify(raw)} is not one of the classes (${o.classes.join(', ')})${o.labelValues ? ' through labelValues' : ''}`, path);
    return k + 1;
  };
  const boxes: GroundBox[] = [];
  // Outlines of no area (DOTA has a few, all corners on one line) are left out and counted.
  const flat: string[] = [];
  const add = (ring: Point[], cls: number, difficult: boolean, where: string, score = 1) => {
    const b = ringBox(ring, o.oriented);
    if (![b.cx, b.cy, b.w, b.h, b.angle].every(Number.isFinite)) throw new ApiError('E_BAD_REQUEST', `${path}: ${where}: the outline has coordinates that are not numbers`, path);
    if (!(b.w > 0 && b.h > 0)) {
      flat.push(where);
      return;
    }
    if (!(b.cx >= 0 && b.cy >= 0 && b.cx < input.width && b.cy < input.height)) {
      throw new ApiError('E_BAD_REQUEST', `${path}: ${where}: the box centre (${b.cx.toFixed(1)}, ${b.cy.toFixed(1)}) px lies outside ${input.path} (${input.width} x ${input.height} px)`, path);
    }
    boxes.push({ ...b, score, cls, difficult });
  };
  const ext = extname(path).toLowerCase();
  if (ext === '.txt') {
    if (o.layer !== undefined) throw new ApiError('E_BAD_REQUEST', `${path}: a layer ("${o.layer}") is chosen only in a GeoPackage`, path);
    for (const d of await readDota(path)) add(d.corners, classOf(d.className, `line ${d.line}`), d.difficult, `line ${d.line} (${d.className})`);
    return { boxes, note: flatNote(flat) };
  }
  if (!isBoxLabelFile(path)) throw new ApiError('E_BAD_REQUEST', `${path}: detect labels are a DOTA labelTxt (.txt), GeoJSON or GeoPackage file of polygons`, path);
  const field = o.classField ?? 'class';
  const gpkg = ext === '.gpkg';
  if (o.layer !== undefined && !gpkg) throw new ApiError('E_BAD_REQUEST', `${path}: a layer ("${o.layer}") is chosen only in a GeoPackage`, path);
  const read = gpkg ? await readGpkgFeatures(path, o.detections ? null : field, o.layer, o.detections === 'pixels') : { ...(await readGeoJsonFeatures(path)), where: (n: number) => `features[${n}]`, skipped: 0 };
  let toPixel: (p: Point) => Point;
  if (o.detections === 'pixels') toPixel = (p) => p;
  else {
    if (!input.georeferenced || !input.crs) throw new ApiError('E_BAD_REQUEST', `${input.path}: the raster has no CRS, so the labels of ${path} (${read.crsName}) cannot be placed on it (DOTA labelTxt files give pixel coordinates)`, input.path);
    const conv = proj4(read.proj4, input.crs.proj4);
    toPixel = (p) => pixelOf(input, conv.forward([p[0], p[1]]) as [number, number]);
  }
  read.features.forEach((f, n) => {
    const where = read.where(n);
    if (f.points.length) throw new ApiError('E_BAD_REQUEST', `${path}: ${where} is a point; a box needs a size (draw a polygon or a box)`, path);
    const raw = f.properties[field];
    if (raw === undefined || raw === null) throw new ApiError('E_BAD_REQUEST', `${path}: ${where} has no "${field}" ${gpkg ? 'value' : 'property (give the class field with --class-field)'}`, path);
    const cls = classOf(raw, where);
    const score = typeof f.properties.score === 'number' ? f.properties.score : 1;
    f.polygons.forEach((rings, part) => add(rings[0].map((p) => toPixel(p as Point)), cls, false, f.polygons.length > 1 ? `${where} part ${part}` : where, score));
  });
  if (boxes.length === 0 && !o.detections) throw new ApiError('E_BAD_REQUEST', `${path}: no polygon to make a box of (${read.features.length} features)`, path);
  const notes = [read.skipped ? `${path}: ${read.skipped} row(s) without a geometry left out` : '', flatNote(flat) ?? ''].filter(Boolean);
  return { boxes, note: notes.length ? notes.join('; ') : null };

  function flatNote(where: string[]): string | null {
    return where.length ? `${path}: ${where.length} outline(s) of no area left out (${where.slice(0, 3).join(', ')}${where.length > 3 ? ', ...' : ''})` : null;
  }
}
