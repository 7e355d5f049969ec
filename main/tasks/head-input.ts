/**
 * One raster made ready for a head's encoder: the raster must be of the modality the head
 * was trained on (an S2 scene fed to an S1 head is refused by name, not run), its bands are
 * found by name, its units detected from a sample and the normaliser built. All of it runs
 * before any session starts.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import type { ModalityId } from '../model/index.ts';
import type { Raster } from '../raster/index.ts';
import type { ReportInput } from './encoder-run.ts';
import type { HeadSetup } from './head-setup.ts';
import { mapBands, type BandMapping } from './preprocess/band-map.ts';
import { guessModality } from './preprocess/modality.ts';
import { makeNormaliser, type Normaliser } from './preprocess/normalise.ts';
import { detectUnits, sampleValues, type UnitsDetection } from './preprocess/units.ts';

export interface HeadInput {
  raster: Raster;
  info: RasterInfo;
  mapping: BandMapping;
  units: UnitsDetection;
  normalise: Normaliser;
}

const MODALITY_WORDS: Record<ModalityId, string> = { s1: 'Sentinel-1 (VV/VH)', s2: 'Sentinel-2', hr: 'high-resolution RGB' };

/** The modality the raster shows by its band names, or null when they do not say. */
function shownModality(info: RasterInfo): ModalityId | null {
  try {
    return guessModality(info, ['s1', 's2', 'hr']);
  } catch {
    return null;
  }
}

export async function prepareHeadInput(raster: Raster, s: HeadSetup, o: { modality?: ModalityId; bands?: number[]; signal?: AbortSignal }): Promise<HeadInput> {
  const info = raster.info;
  const want = s.modalityId;
  const name = s.head.name;
  if (o.modality && o.modality !== want) {
    throw new ApiError('E_BAD_REQUEST', `--modality ${o.modality}: head "${name}" reads ${MODALITY_WORDS[want]} (${want}) imagery (${s.headManifestPath}: encoder.modality)`);
  }
  if (!o.modality && !o.bands) {
    const seen = shownModality(info);
    if (seen && seen !== want) {
      throw new ApiError(
        'E_BAD_REQUEST',
        `${info.path}: looks like ${MODALITY_WORDS[seen]} imagery (bands ${info.bandNames.join(', ')}), but head "${name}" reads ${MODALITY_WORDS[want]} (${s.headManifestPath}: encoder.modality "${want}")`,
        info.path,
      );
    }
  }
  const mapping = mapBands(info, want, s.modality.bands, o.bands);
  const units = detectUnits(want, s.modality, await sampleValues(raster, mapping.bands, o.signal), info.path);
  return { raster, info, mapping, units, normalise: makeNormaliser(s.modality, units, info.nodata) };
}

export function reportHeadInput(input: HeadInput, modality: ModalityId): ReportInput {
  const { info, mapping } = input;
  return {
    path: info.path,
    files: info.files,
    width: info.width,
    height: info.height,
    modality,
    bands: mapping.bands,
    bandNames: mapping.bands.map((b) => info.bandNames[b - 1] ?? `band ${b}`),
    bandsFoundBy: mapping.how,
    units: input.units,
  };
}
