// Entry point of main/model: manifest validation, model folders, execution providers and their ONNX sessions.
export { parseManifest, Manifest, ModuleSpec, Modality, type ModalityId } from './manifest.ts';
export { parseHeadManifest, classColorRgb, HeadManifest, type HeadTask, type HeadClass } from './head-manifest.ts';
export { loadModelFolder, warmupShape, type ModelFolder, type ModuleSession } from './folder.ts';
export { startSession, openSession, onSessionStart, conciseReason, type Precision, type Fallback } from './session.ts';
export { acquireSession, sessionKey, cachedSessionCount } from './session-cache.ts';
export {
  PROVIDER_NAMES,
  DEFAULT_ORDER,
  GPU_PROVIDERS,
  parseProviderList,
  providerAvailability,
  type ProviderName,
  type ProviderChoice,
} from './providers.ts';
export { describeProviders, formatProviderReport, type ProviderReport } from './provider-report.ts';
export { webgpuAdapterHint, missingVulkanLoader, type AdapterHint, type HostView } from './gpu-adapter.ts';
export { addModel } from './probe-model.ts';
export { defaultSearchDirs, findModels, userModelsDir, type ModelEntry } from './registry.ts';
export { resolveModelRef } from './model-names.ts';
export { checkSessionAgainstSpec } from './session-check.ts';
