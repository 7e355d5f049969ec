/**
 * One raster made ready for a head's encoder: the raster must be of the modality the head
 * was trained on (an S2 scene fed to an S1 head is refused by name, not run); the rest is
 * every encoder input's preparation (inputs/model-input.ts).
 */
import { ApiError, type RasterInfo } from '../api.ts';
import type { ModalityId } from '../model/index.ts';
import type { Raster } from '../raster/index.ts';
import type { HeadSetup } from './head-setup.ts';
import { prepareModelInput, type ModelInput, type ModelInputOptions } from '../inputs/index.ts';
import { guessModality } from '../inputs/index.ts';

export type HeadInput = ModelInput;

const MODALITY_WORDS: Record<ModalityId, string> = { s1: 'Sentinel-1 (VV/VH)', s2: 'Sentinel-2', hr: 'high-resolution RGB' };

/** The modality the raster shows by its band names, or null when they do not say. */
function shownModality(info: RasterInfo): ModalityId | null {
  try {
    return guessModality(info, ['s1', 's2', 'hr']);
  } catch {
    return null;
  }
}

export async function prepareHeadInput(
  raster: Raster,
  s: HeadSetup,
  o: ModelInputOptions & { modality?: ModalityId },
): Promise<HeadInput> {
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
  return prepareModelInput(raster, want, s.modality, o);
}
