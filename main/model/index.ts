// Entry point of main/model: manifest validation, model folders, execution providers and their ONNX sessions.
export { parseManifest, crossCheck, formatPath, Manifest, ModuleSpec, Modality, type ModalityId, type Units, type Dtype } from './manifest.ts';
export { parseHeadManifest, crossCheckHead, classColorRgb, HeadManifest, type HeadTask, type HeadClass, type HeadInput, type HeadOutput } from './head-manifest.ts';
export { loadModelFolder, warmupShape, MANIFEST_FILE, type ModelFolder, type ModuleSession, type ModuleRun } from './folder.ts';
export {
  startSession,
  openSession,
  conciseReason,
  forgetProviderFailures,
  type Precision,
  type GraphOptimization,
  type SessionOptions,
  type SessionPlan,
  type StartedSession,
  type OpenedSession,
  type Fallback,
  type FallbackStage,
} from './session.ts';
export { acquireSession, sessionKey, cachedSessionCount, type SessionLease } from './session-cache.ts';
export {
  PROVIDER_NAMES,
  DEFAULT_ORDER,
  GPU_PROVIDERS,
  parseProviderList,
  providerAvailability,
  allAvailability,
  isProviderName,
  type ProviderName,
  type ProviderChoice,
  type Availability,
} from './providers.ts';
export { describeProviders, formatProviderReport, type ProviderReport } from './provider-report.ts';
export { webgpuAdapterHint, missingVulkanLoader, type AdapterHint, type AdapterKind, type HostView } from './gpu-adapter.ts';
export { zeroFeeds, warmupDims, type WarmupShape } from './warmup.ts';
export { addModel } from './probe-model.ts';
export { defaultSearchDirs, findModels, userModelsDir, type ModelEntry } from './registry.ts';
export { checkSessionAgainstSpec } from './session-check.ts';
