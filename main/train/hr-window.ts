/**
 * A series fused with an HR image gives features only over the reference pixels the HR image
 * covers (fusion's coveredWindow): labels outside that window have no features, so they are
 * left out before the split, and the rest are found in the smaller feature grid by the window's
 * origin. A window with no label left is refused by name before any features.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import { coveredWindow } from '../fusion/index.ts';
import { rasterInfo } from '../raster/index.ts';
import type { CellLabels } from './label-raster.ts';

/** Labels of the reference grid kept inside the HR image's window; the others set unlabelled and uncounted. */
export async function labelsUnderHr(labels: CellLabels, ref: RasterInfo, hrPath: string, where: string): Promise<void> {
  const hr = await rasterInfo([hrPath]);
  const w = coveredWindow(ref, hr);
  if (!w) throw new ApiError('E_BAD_REQUEST', `${where}: the HR image ${hr.path} covers no pixel of ${ref.path}`, hr.path);
  let kept = 0;
  for (let r = 0; r < labels.height; r++) {
    for (let c = 0; c < labels.width; c++) {
      const i = r * labels.width + c;
      const k = labels.labels[i];
      if (k < 0) continue;
      if (c >= w.x && c < w.x + w.width && r >= w.y && r < w.y + w.height) kept++;
      else {
        labels.labels[i] = -1;
        labels.counts[k]--;
      }
    }
  }
  if (kept === 0) throw new ApiError('E_BAD_REQUEST', `${where}: no label lies under the HR image ${hr.path} (it covers reference pixels x ${w.x}-${w.x + w.width - 1}, y ${w.y}-${w.y + w.height - 1} of ${ref.path})`, hr.path);
}

/** Cells of the reference grid (row-major, `fineWidth` wide) as cells of a feature grid that starts at `origin`. */
export function shiftCells(cells: Int32Array, fineWidth: number, origin: [number, number], gridWidth: number): Int32Array {
  return cells.map((i) => (Math.floor(i / fineWidth) - origin[1]) * gridWidth + ((i % fineWidth) - origin[0]));
}
