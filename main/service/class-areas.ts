/**
 * layer.classAreas: per-class pixels and areas of an open class raster. A run of ours
 * already summed them while writing (`<out>.report.json`: `clusters` for cluster,
 * `classes` for the head tasks), so that is read first; any other class raster is counted
 * pixel by pixel, streamed (raster/class-count.ts).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ClassArea, ClassAreasReply } from '../api.ts';
import { countClasses, type Raster } from '../raster/index.ts';

interface ReportClass {
  value?: unknown;
  pixels?: unknown;
  cells?: unknown;
  areaM2?: unknown;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The report's areas when it describes this very file; null when there is none or it does not fit. */
async function fromReport(path: string): Promise<ClassAreasReply | null> {
  const reportPath = `${path}.report.json`;
  let report: { outputs?: { path?: unknown }[]; clusters?: unknown; classes?: unknown; areaNote?: unknown; area?: { note?: unknown } };
  try {
    report = JSON.parse(await readFile(reportPath, 'utf8'));
  } catch {
    return null;
  }
  // A report beside a file names it among its outputs; one about another file is not this raster's.
  if (!Array.isArray(report.outputs) || !report.outputs.some((o) => typeof o?.path === 'string' && resolve(o.path) === path)) return null;
  const list = (Array.isArray(report.clusters) ? report.clusters : Array.isArray(report.classes) ? report.classes : null) as ReportClass[] | null;
  if (!list) return null;
  const classes: ClassArea[] = [];
  for (const c of list) {
    const pixels = num(c.pixels) ? c.pixels : c.cells;
    if (!num(c.value) || !num(pixels) || !(c.areaM2 === null || num(c.areaM2))) return null;
    classes.push({ value: c.value, pixels, areaM2: c.areaM2 });
  }
  const how = typeof report.areaNote === 'string' ? report.areaNote : typeof report.area?.note === 'string' ? report.area.note : 'as the run computed them';
  return { source: 'report', report: reportPath, note: `from the run report; ${how}`, classes: classes.sort((a, b) => a.value - b.value) };
}

export async function classAreas(raster: Raster, signal: AbortSignal): Promise<ClassAreasReply> {
  const known = await fromReport(raster.info.path);
  if (known) return known;
  const { classes, note } = await countClasses(raster, signal);
  return { source: 'counted', report: null, note, classes };
}
