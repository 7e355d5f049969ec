/**
 * From blended class probabilities to what a head task writes: the class raster (Byte,
 * nodata 255, a colour table and category names from the head's classes), the per-class
 * areas of the report, and optionally a second GeoTIFF of the probabilities themselves.
 *
 * The probabilities go to their own Float32 file rather than extra bands of the class
 * raster: a GeoTIFF has one sample type for all bands, and a class raster must stay Byte
 * with a palette for every GIS to show it as classes. Both files are written from the same
 * blended rows in one pass (runTiled's post transform feeds the second writer), so the
 * probabilities are exactly those the classes were decided from.
 *
 * Decision: softmax heads take the most probable class; a binary sigmoid head (one
 * channel) gives classes[1] where p >= threshold (default 0.5), else classes[0]; a
 * multi-label sigmoid head (classify only) writes its most probable class per cell and
 * lists every class above the threshold in the report.
 */
import type { DataType, GeoTransform, Crs } from '../api.ts';
import { classColorRgb, type HeadClass, type HeadManifest } from '../model/index.ts';
import type { PostTransform } from '../tiler/index.ts';
import type { CellArea } from '../raster/index.ts';
import { openRowSink, outputGeoTransform, type RowSink } from '../tiler/index.ts';
import type { RasterInfo } from '../api.ts';
import type { TilePlan } from '../tiler/index.ts';

export const CLASS_NODATA = 255;

export interface ClassScheme {
  classes: HeadClass[];
  /** Channels of the blended probabilities. */
  channels: number;
  kind: 'softmax' | 'binary' | 'multilabel';
  threshold: number;
}

export function classScheme(head: HeadManifest, channels: number): ClassScheme {
  const kind = head.activation === 'softmax' ? 'softmax' : channels === 1 ? 'binary' : 'multilabel';
  return { classes: head.classes, channels, kind, threshold: head.threshold ?? 0.5 };
}

/** Names of the probability bands: one per channel. */
export function probabilityBandNames(s: ClassScheme): string[] {
  return s.kind === 'binary' ? [`p(${s.classes[1].name})`] : s.classes.map((c) => `p(${c.name})`);
}

/** Colour table indexed by class value (unused values black). */
export function classColorTable(classes: readonly HeadClass[]): [number, number, number][] {
  const n = Math.max(...classes.map((c) => c.value)) + 1;
  const table: [number, number, number][] = Array.from({ length: n }, () => [0, 0, 0]);
  for (const c of classes) table[c.value] = classColorRgb(c.color);
  return table;
}

/** Category names indexed by class value ('' for unused values). */
export function classCategoryNames(classes: readonly HeadClass[]): string[] {
  const n = Math.max(...classes.map((c) => c.value)) + 1;
  const names = new Array<string>(n).fill('');
  for (const c of classes) names[c.value] = c.name;
  return names;
}

/** The class value of cell i of the probability bands, or CLASS_NODATA where they hold no data. */
export function decideClass(s: ClassScheme, p: readonly Float32Array[], i: number): number {
  const v0 = p[0][i];
  if (v0 !== v0) return CLASS_NODATA;
  if (s.kind === 'binary') return v0 >= s.threshold ? s.classes[1].value : s.classes[0].value;
  let best = 0;
  for (let c = 1; c < s.channels; c++) if (p[c][i] > p[best][i]) best = c;
  return s.classes[best].value;
}

export interface ClassTally {
  value: number;
  name: string;
  color: string;
  /** Output cells of this class. */
  cells: number;
  /** Ground area in m², null when the grid has no known cell area. */
  areaM2: number | null;
}

/** Counts cells and sums their ground area per class value, row by row as they are written. */
export class ClassAreas {
  private readonly cells = new Float64Array(256);
  private readonly area = new Float64Array(256);
  private row: number;

  constructor(private readonly cellArea: CellArea, firstRow: number) {
    this.row = firstRow;
  }

  add(cls: Uint8Array, rows: number, width: number): void {
    for (let r = 0; r < rows; r++, this.row++) {
      for (let x = 0; x < width; x++) {
        const v = cls[r * width + x];
        if (v === CLASS_NODATA) continue;
        this.cells[v]++;
        this.area[v] += this.cellArea.cell(x, this.row) ?? 0;
      }
    }
  }

  tally(classes: readonly HeadClass[]): ClassTally[] {
    const known = this.cellArea.method !== 'none';
    return classes.map((c) => ({ value: c.value, name: c.name, color: c.color, cells: this.cells[c.value], areaM2: known ? this.area[c.value] : null }));
  }
}

export interface ProbabilityFile {
  path: string;
  width: number;
  height: number;
  geoTransform: GeoTransform | null;
  crs: Crs | null;
  bandNames: string[];
  metadata?: Record<string, string>;
}

/**
 * The post transform: decides classes (Byte), tallies areas and, when `probabilities` is
 * given, writes the blended probabilities to that file. finish()/abort() close the second
 * file; call one of them after runTiled.
 */
/** The runTiled options every class raster shares: nodata 255, nearest overviews, palette and names from the head. */
export function classRasterOptions(head: Pick<HeadManifest, 'classes' | 'title'>, metadata: Record<string, string>, what: string) {
  return {
    nodata: CLASS_NODATA,
    resampling: 'nearest' as const,
    colorTable: classColorTable(head.classes),
    categoryNames: classCategoryNames(head.classes),
    bandNames: [head.title],
    metadata: { ...metadata, SKYSENSE_OUTPUT: what },
  };
}

/** The .prob.tif beside a class raster: the plan's rows on the input grid scaled by `stride`; undefined without a path. */
export function probabilityFile(path: string | null, plan: TilePlan, info: RasterInfo, stride: number, scheme: ClassScheme, metadata: Record<string, string>, what: string): ProbabilityFile | undefined {
  if (!path) return undefined;
  return {
    path,
    width: plan.outWidth,
    height: plan.outRowTo - plan.outRowFrom,
    geoTransform: info.georeferenced ? outputGeoTransform(info.geoTransform, stride, plan.outRowFrom) : null,
    crs: info.crs,
    bandNames: probabilityBandNames(scheme),
    metadata: { ...metadata, SKYSENSE_OUTPUT: what },
  };
}

export function classPost(s: ClassScheme, areas: ClassAreas, probabilities?: ProbabilityFile): { post: PostTransform; finish(): Promise<void>; abort(): Promise<void> } {
  let sink: Promise<RowSink> | null = null;
  const openProb = () =>
    (sink ??= openRowSink({
      path: probabilities!.path,
      width: probabilities!.width,
      height: probabilities!.height,
      bandCount: s.channels,
      dataType: 'Float32' as DataType,
      geoTransform: probabilities!.geoTransform,
      crs: probabilities!.crs,
      nodata: Number.NaN,
      bandNames: probabilities!.bandNames,
      metadata: probabilities!.metadata,
      resampling: 'average',
    }));
  const post: PostTransform = {
    bandCount: 1,
    dataType: 'Byte',
    transform: async (bands, rows, width) => {
      const cls = new Uint8Array(rows * width);
      for (let i = 0; i < cls.length; i++) cls[i] = decideClass(s, bands, i);
      areas.add(cls, rows, width);
      if (probabilities) await (await openProb()).writeRows(bands, rows);
      return [cls];
    },
  };
  return {
    post,
    async finish() {
      if (probabilities) await (await openProb()).finish();
    },
    async abort() {
      if (sink) await (await sink).abort().catch(() => undefined);
    },
  };
}
