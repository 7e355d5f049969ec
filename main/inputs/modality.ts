/**
 * Which modality a raster is when the user does not say: polarisation names mean S1,
 * Sentinel-2 band ids mean S2, an 8-bit 3/4-band image is HR. Only modalities the model
 * folder has are considered.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import type { ModalityId } from '../model/index.ts';
import { bandKey } from './band-map.ts';

export function guessModality(info: RasterInfo, available: readonly ModalityId[]): ModalityId {
  const names = info.files.length === info.bandCount ? info.files : info.bandNames;
  const labelled = (m: ModalityId) => info.bandNames.some((n, i) => bandKey(m, n) !== null || bandKey(m, names[i] ?? '') !== null);
  const order: ModalityId[] = ['s1', 's2', 'hr'];
  for (const m of order) if (available.includes(m) && labelled(m)) return m;
  if (available.includes('hr') && info.dataType === 'Byte' && (info.bandCount === 3 || info.bandCount === 4)) return 'hr';
  throw new ApiError(
    'E_BAD_REQUEST',
    `${info.path}: cannot tell the modality from its bands (${info.bandNames.join(', ') || 'unnamed'}); give --modality ${available.join('|')}`,
    info.path,
  );
}
