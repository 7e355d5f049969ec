/**
 * One raster made ready for a head's encoder: the raster must be of the modality the head
 * was trained on (an S2 scene fed to an S1 head is refused by name, not run), its bands are
 * found by name, it is masked and put on the processing grid (preprocess/prepare-input.ts:
 * `mask`, `gsd`), its units detected from a sample and the normaliser built. All of it runs
 * before any session starts. Tasks tile `raster` (the prepared view) and close it, which
 * closes the opened file and the mask.
 */
import { ApiError, type RasterInfo } from '../api.ts';
import type { ModalityId } from '../model/index.ts';
import type { Raster } from '../raster/index.ts';
import type { ReportInput } from './encoder-run.ts';
import type { HeadSetup } from './head-setup.ts';
import { mapBands, type BandMapping } from './preprocess/band-map.ts';
import { guessModality } from './preprocess/modality.ts';
import { makeNormaliser, type Normaliser } from './preprocess/normalise.ts';
import { prepareInput, type InputOptions, type InputPreparation } from './preprocess/prepare-input.ts';
import { detectUnits, sampleValues, type UnitsDetection } from './preprocess/units.ts';

export interface HeadInput {
  /** The raster as tiled: masked and on the processing grid. */
  raster: Raster;
  info: RasterInfo;
  mapping: BandMapping;
  units: UnitsDetection;
  normalise: Normaliser;
  preparation: InputPreparation;
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

export async function prepareHeadInput(
  raster: Raster,
  s: HeadSetup,
  o: InputOptions & { modality?: ModalityId; bands?: number[]; out?: string; signal?: AbortSignal },
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
  const mapping = mapBands(info, want, s.modality.bands, o.bands);
  const { raster: view, preparation } = await prepareInput(raster, { gsd: o.gsd, mask: o.mask, modality: want, modelGsdM: s.modality.gsd, out: o.out, signal: o.signal });
  try {
    const units = detectUnits(want, s.modality, await sampleValues(view, mapping.bands, o.signal), info.path);
    return { raster: view, info: view.info, mapping, units, normalise: makeNormaliser(s.modality, units, view.info.nodata), preparation };
  } catch (err) {
    if (view !== raster) await view.close().catch(() => undefined);
    throw err;
  }
}

export function reportHeadInput(input: HeadInput, modality: ModalityId): ReportInput {
  const { info, mapping, preparation } = input;
  return {
    path: info.path,
    files: info.files,
    width: preparation.source.width,
    height: preparation.source.height,
    modality,
    bands: mapping.bands,
    bandNames: mapping.bands.map((b) => info.bandNames[b - 1] ?? `band ${b}`),
    bandsFoundBy: mapping.how,
    units: input.units,
    preparation,
  };
}
