/**
 * main/tasks/deepness: models made for the Deepness QGIS plugin (ONNX + metadata_props):
 * Segmentor, Regressor and Detector models run on the shared tiler at the model's
 * resolution. See ../shared/data/deepness/FORMAT.md for the format.
 */
export { runDeepness, overlapPixels, type DeepnessOptions, type DeepnessReport, type DeepnessOutput, type DeepnessRunType } from './run.ts';
export { readDeepnessMetadata, parseDeepnessMetadata, pyCapitalize, DEEPNESS_MODEL_TYPES, DETECTOR_TYPES, type DeepnessMetadata, type DeepnessModelInfo, type DeepnessModelType, type DetectorType } from './metadata.ts';
export { readOnnxInfo, type OnnxModelInfo, type OnnxValueInfo } from './onnx-proto.ts';
