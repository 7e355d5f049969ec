/**
 * One raster made ready for an encoder, shared by the encoder tasks (encoder/encoder-run.ts) and
 * the head tasks (heads/head-input.ts): its bands found by name (or the user's), masked and put on
 * the processing grid (prepare-input.ts: `mask`, `gsd`), its units detected from
 * a sample and the normaliser built — all before any session starts. Tasks tile `raster`
 * (the prepared view) and close it, which closes the opened file and the mask.
 */
import type { RasterInfo } from '../api.ts';
import type { Modality, ModalityId } from '../model/index.ts';
import type { Raster } from '../raster/index.ts';
import { mapBands, type BandMapping } from './band-map.ts';
import { makeNormaliser, type Normaliser } from './normalise.ts';
import { prepareInput, type InputOptions, type InputPreparation } from './prepare-input.ts';
import { detectUnits, sampleValues, type UnitsDetection } from './units.ts';

export interface ModelInput {
  /** The raster as tiled: masked and on the processing grid. */
  raster: Raster;
  info: RasterInfo;
  mapping: BandMapping;
  units: UnitsDetection;
  normalise: Normaliser;
  preparation: InputPreparation;
}

/** What a run report says about its input raster. */
export interface ReportInput {
  path: string;
  files: string[];
  width: number;
  height: number;
  modality: ModalityId;
  bands: number[];
  bandNames: string[];
  bandsFoundBy: BandMapping['how'];
  units: UnitsDetection;
  /** Processing grid (GSD) and mask. */
  preparation: InputPreparation;
}

export type ModelInputOptions = InputOptions & { bands?: number[]; out?: string; signal?: AbortSignal };

/** `raster` made ready for a `modalityId` encoder. On failure the view is closed, not `raster`. */
export async function prepareModelInput(raster: Raster, modalityId: ModalityId, modality: Modality, o: ModelInputOptions): Promise<ModelInput> {
  const info = raster.info;
  const mapping = mapBands(info, modalityId, modality.bands, o.bands);
  const { raster: view, preparation } = await prepareInput(raster, { gsd: o.gsd, mask: o.mask, modality: modalityId, modelGsdM: modality.gsd, out: o.out, signal: o.signal });
  try {
    const units = detectUnits(modalityId, modality, await sampleValues(view, mapping.bands, o.signal), info.path);
    return { raster: view, info: view.info, mapping, units, normalise: makeNormaliser(modality, units, view.info.nodata), preparation };
  } catch (err) {
    if (view !== raster) await view.close().catch(() => undefined);
    throw err;
  }
}

export function reportModelInput(input: ModelInput, modality: ModalityId): ReportInput {
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
