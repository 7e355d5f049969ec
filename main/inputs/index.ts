// main/inputs: what makes a raster ready for a model: band mapping, units, dates, masks, the model's GSD, resampling, normalisation.
export { maskedRaster, openMask, type MaskSpec, type MaskReport, type OpenedMask } from './masked-raster.ts';
export type { RunOptions } from './run-options.ts';
export { guessModality } from './modality.ts';
export { makeNormaliser, type Normaliser } from './normalise.ts';
export { prepareModelInput, reportModelInput, type ModelInput, type ReportInput, type ModelInputOptions } from './model-input.ts';
export { mapBands, type BandMapping } from './band-map.ts';
export { orderSeries, parseUserDates, resolveSeriesDates, type ResolvedDate } from './series-dates.ts';
export { detectUnits, sampleValues, type UnitsDetection } from './units.ts';
export { alignedGrid, resampledRaster, processingGrid, type ProcessingGrid } from './resampled-raster.ts';
export { gridWords } from './prepare-input.ts';
