/**
 * layer.acquisition: the date and modality of an open raster, resolved by the same code
 * `skysense run` uses for a series, so the Run panel shows the dates the run would take
 * (and the user edits only where they are missing or wrong).
 */
import { ApiError, type ReplyOf } from '../api.ts';
import { guessModality, resolveSeriesDates } from '../inputs/index.ts';
import type { Raster } from '../raster/index.ts';

export async function layerAcquisition(raster: Raster): Promise<ReplyOf<'layer.acquisition'>> {
  const { info } = raster;
  const [d] = await resolveSeriesDates([{ path: info.path, files: info.files }], {
    label: 'series', flag: 'a date', required: false, table: null, now: new Date(),
  });
  let modality: ReplyOf<'layer.acquisition'>['modality'] = null;
  try {
    modality = guessModality(info, ['s2', 's1', 'hr']);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err; // bands that name no modality: the user picks
  }
  return { date: d.date, source: d.source, detail: d.detail, modality };
}
