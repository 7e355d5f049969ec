/**
 * What every trained head's folder and classes must be, whatever its task: class names that
 * a class raster and a legend can hold, and a manifest name from the folder's name.
 */
import { basename } from 'node:path';
import { ApiError } from '../api.ts';

export function checkClasses(classes: string[]): void {
  if (classes.length < 2) throw new ApiError('E_BAD_REQUEST', `classes: a head needs at least two classes, got ${classes.length}`);
  if (classes.length > 254) throw new ApiError('E_BAD_REQUEST', `classes: at most 254 (a class raster is Byte with nodata 255), got ${classes.length}`);
  classes.forEach((c, i) => {
    if (!c.trim()) throw new ApiError('E_BAD_REQUEST', `classes[${i}]: empty name`);
    if (classes.indexOf(c) !== i) throw new ApiError('E_BAD_REQUEST', `classes: "${c}" is given twice`);
  });
}

/** A manifest name from the folder's name: lower case, digits and dashes. */
export function headName(dir: string): string {
  const base = basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return base || 'head';
}
