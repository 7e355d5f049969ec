// Entry point of main/model: manifest validation, model folders and their ONNX sessions.
export { parseManifest, crossCheck, formatPath, Manifest, ModuleSpec, Modality, type ModalityId, type Units, type Dtype } from './manifest.ts';
export { loadModelFolder, MANIFEST_FILE, type ModelFolder, type ModuleSession, type Precision } from './folder.ts';
export { openSession, type SessionPlan, type ProviderChoice, type OpenedSession } from './session.ts';
