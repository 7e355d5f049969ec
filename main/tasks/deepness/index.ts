/**
 * main/tasks/deepness: models made for the Deepness QGIS plugin (ONNX + metadata_props):
 * Segmentor, Regressor and Detector models run on the shared tiler at the model's
 * resolution. The format: Deepness's model documentation (metadata.ts reads it).
 */
export { runDeepness, type DeepnessReport } from './run.ts';
export { readDeepnessMetadata, parseDeepnessMetadata, pyCapitalize } from './metadata.ts';
