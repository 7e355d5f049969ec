/** `options.vectors`: the class raster a task wrote, polygonized into a GeoPackage or GeoJSON file. */
import type { JobRequest } from '../api.ts';
import { sourceOf } from './series-inputs.ts';
import type { TaskReport } from './task-report.ts';

export async function vectorize(r: JobRequest, report: TaskReport, signal: AbortSignal): Promise<{ path: string; polygons: number }> {
  const { polygonizeToFile } = await import('../vector/index.ts');
  const path = r.options!.vectors!;
  const classRaster = report.outputs?.[0]?.path ?? r.out;
  const res = await polygonizeToFile(classRaster, path, { sourceFile: sourceOf(r), signal });
  return { path, polygons: res.polygons };
}
