/**
 * Which raster bands feed a modality's encoder, found by name: the manifest lists the
 * bands the model was trained on, in order, and a raster names its bands (band
 * descriptions, or file names for a band folder). Names are matched after folding the
 * spellings seen in the wild (B2 / B02 / "B02 (Blue)", vv / VV_dB, Red / R); an explicit
 * `--bands` list overrides the search. A band that cannot be found is an error naming
 * the file and every missing band, before any inference starts.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import type { ModalityId } from '../model/index.ts';

export interface BandMapping {
  /** 1-based raster bands, one per manifest band, in the manifest's order. */
  bands: number[];
  /** How they were found, for the run report. */
  how: 'override' | 'names' | 'first-three';
}

/** Canonical S2 band id ("B02", "B8A") of a name, or null. */
export function s2BandId(name: string): string | null {
  const m = /(?:^|[^A-Za-z0-9])B0?(\d{1,2}A?)(?![0-9A-Za-z])/i.exec(` ${name}`);
  if (!m) return null;
  const id = m[1].toUpperCase();
  return `B${/^\d$/.test(id) ? `0${id}` : id}`;
}

const S1_POL = /(?:^|[^A-Za-z])(VV|VH|HH|HV)(?![A-Za-z])/i;
const RGB_WORDS: Record<string, string> = { r: 'R', red: 'R', g: 'G', green: 'G', b: 'B', blue: 'B' };

/** The name a raster band answers to for a modality (null when it says nothing). */
export function bandKey(modality: ModalityId, name: string): string | null {
  const base = name.replace(/^.*[\\/]/, '').replace(/\.(tiff?|jp2|png|jpe?g)$/i, '');
  if (modality === 's2') return s2BandId(base);
  if (modality === 's1') return S1_POL.exec(` ${base}`)?.[1].toUpperCase() ?? null;
  return RGB_WORDS[base.trim().toLowerCase()] ?? null;
}

function manifestKey(modality: ModalityId, name: string): string {
  return bandKey(modality, name) ?? name.toUpperCase();
}

export function mapBands(
  info: RasterInfo,
  modality: ModalityId,
  wanted: readonly string[],
  override?: readonly number[],
): BandMapping {
  if (override) {
    if (override.length !== wanted.length) {
      throw new ApiError('E_BAD_REQUEST', `--bands: gives ${override.length} bands; the ${modality} encoder needs ${wanted.length} (${wanted.join(', ')})`);
    }
    for (const b of override) {
      if (!Number.isInteger(b) || b < 1 || b > info.bandCount) {
        throw new ApiError('E_BAD_REQUEST', `--bands: ${info.path} has no band ${b} (it has ${info.bandCount})`, info.path);
      }
    }
    return { bands: [...override], how: 'override' };
  }
  const keys = info.bandNames.map((n, i) => bandKey(modality, n) ?? (info.files.length === info.bandCount ? bandKey(modality, info.files[i]) : null));
  const bands: number[] = [];
  const missing: string[] = [];
  for (const w of wanted) {
    const k = manifestKey(modality, w);
    const i = keys.indexOf(k);
    if (i < 0) missing.push(w);
    else bands.push(i + 1);
  }
  if (missing.length === 0) return { bands, how: 'names' };
  // An unlabelled 8-bit RGB(A) image is what aerial/HR imagery usually is.
  if (modality === 'hr' && missing.length === wanted.length && wanted.length === 3 && info.dataType === 'Byte' && (info.bandCount === 3 || info.bandCount === 4)) {
    return { bands: [1, 2, 3], how: 'first-three' };
  }
  const has = info.bandNames.length ? info.bandNames.join(', ') : 'no named bands';
  throw new ApiError(
    'E_BAND_MISMATCH',
    `${info.path}: missing ${modality.toUpperCase()} band${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (the raster has ${has}); add them or pick bands by number with --bands`,
    info.path,
  );
}
