/**
 * Labels drawn as vectors (a GeoJSON file: polygons, boxes, points; the app stores what the
 * analyst draws this way; or a GeoPackage's feature table, its first or the one named by
 * `layer`) as one class per cell of the encoder's output grid. A polygon
 * labels the cells whose centres it contains, a point the cell it falls in. The class comes
 * from a property (`classField`, default "class"): a class name, or a value mapped through
 * `labelValues`. Features in any CRS are reprojected to the raster's, vertex by vertex.
 * Where features of different classes claim one cell the later one wins, and the count of
 * such cells is reported, so overlapping drawings do not pass unnoticed.
 */
import proj4 from 'proj4';
import { ApiError, type RasterInfo } from '../api.ts';
import { pixelOf } from '../raster/index.ts';
import { insidePolygon, readGeoJsonFeatures, readGpkgFeatures, type PolygonRings } from '../vector/index.ts';
import type { CellLabels } from './label-raster.ts';

export async function vectorLabelCells(
  path: string,
  input: RasterInfo,
  stride: number,
  classes: readonly string[],
  classField = 'class',
  labelValues: Record<string, string> | null = null,
  layer?: string,
  /** Multi-label: every class whose features claim a cell is present there (no later-wins). */
  multi = false,
): Promise<CellLabels & { conflicts: number }> {
  const gpkg = /\.gpkg$/i.test(path);
  if (layer !== undefined && !gpkg) throw new ApiError('E_BAD_REQUEST', `${path}: a layer ("${layer}") is chosen only in a GeoPackage`, path);
  const read = gpkg ? await readGpkgFeatures(path, classField, layer) : { ...(await readGeoJsonFeatures(path)), where: (n: number) => `features[${n}]`, skipped: 0, others: [] as string[], table: null };
  const { features, proj4: from, crsName } = read;
  if (!input.georeferenced || !input.crs) throw new ApiError('E_BAD_REQUEST', `${input.path}: the raster has no CRS, so the labels of ${path} (${crsName}) cannot be placed on it`, input.path);
  const conv = proj4(from, input.crs.proj4);
  const W = Math.ceil(input.width / stride);
  const H = Math.ceil(input.height / stride);
  const toCell = (p: [number, number]): [number, number] => {
    const [c, r] = pixelOf(input, conv.forward([p[0], p[1]]) as [number, number]);
    return [c / stride, r / stride];
  };
  const labels = new Int16Array(W * H).fill(-1);
  const present = multi ? new Uint8Array(W * H * classes.length) : undefined;
  let conflicts = 0;
  let placed = 0;
  const set = (i: number, k: number) => {
    if (present) present[i * classes.length + k] = 1;
    else if (labels[i] >= 0 && labels[i] !== k) conflicts++;
    labels[i] = k;
    placed++;
  };
  features.forEach((f, n) => {
    const raw = f.properties[classField];
    if (raw === undefined || raw === null) throw new ApiError('E_BAD_REQUEST', `${path}: ${read.where(n)} has no "${classField}" ${gpkg ? 'value' : 'property (give the class field with --class-field)'}`, path);
    const name = labelValues ? labelValues[String(raw)] : String(raw);
    const k = name === undefined ? -1 : classes.indexOf(name);
    if (k < 0) throw new ApiError('E_BAD_REQUEST', `${path}: ${read.where(n)}${gpkg ? ', field ' : '.'}${classField} = ${JSON.stringify(raw)} is not one of the classes (${classes.join(', ')})${labelValues ? ' through labelValues' : ''}`, path);
    for (const p of f.points) {
      const [c, r] = toCell(p);
      if (c >= 0 && r >= 0 && c < W && r < H) set(Math.floor(r) * W + Math.floor(c), k);
    }
    for (const rings of f.polygons) {
      const grid: PolygonRings = rings.map((ring) => ring.map(toCell));
      let [cMin, cMax, rMin, rMax] = [Infinity, -Infinity, Infinity, -Infinity];
      for (const [c, r] of grid[0]) {
        cMin = Math.min(cMin, c);
        cMax = Math.max(cMax, c);
        rMin = Math.min(rMin, r);
        rMax = Math.max(rMax, r);
      }
      const c0 = Math.max(0, Math.floor(cMin));
      const c1 = Math.min(W, Math.ceil(cMax));
      const r0 = Math.max(0, Math.floor(rMin));
      const r1 = Math.min(H, Math.ceil(rMax));
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) if (insidePolygon(grid, c + 0.5, r + 0.5)) set(r * W + c, k);
    }
  });
  if (placed === 0) throw new ApiError('E_BAD_REQUEST', `${path}: no label (${features.length} features, ${crsName}) falls on a cell of ${input.path}; are the labels outside the raster?`, path);
  const counts = new Array<number>(classes.length).fill(0);
  for (const v of labels) if (v >= 0) counts[v]++;
  const notes = [
    read.others.length ? `${path}: read table "${read.table}", the first of its feature tables (also ${read.others.join(", ")}; choose with --layer)` : '',
    read.skipped ? `${path}: ${read.skipped} row(s) without a geometry left out` : '',
    conflicts ? `${conflicts} cell(s) claimed by features of different classes took the later feature's class` : '',
  ].filter(Boolean);
  return { width: W, height: H, stride, labels, counts, note: notes.length ? notes.join('; ') : null, conflicts, present };
}
