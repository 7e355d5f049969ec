/**
 * main/tasks/deepness: models made for the Deepness QGIS plugin (ONNX + metadata_props):
 * Segmentor, Regressor and Detector models run on the shared tiler at the model's
 * resolution. See ../shared/data/deepness/FORMAT.md for the format.
 */
export { runDeepness, type DeepnessReport } from './run.ts';
export { readDeepnessMetadata, parseDeepnessMetadata, pyCapitalize } from './metadata.ts';
