export { createHandlers, type Service, type ServiceOptions } from './handlers.ts';
export { defaultCacheDir } from './cache-dir.ts';
export { LayerRegistry, type ServedFile } from './layer-registry.ts';
export { Dispatcher } from './dispatch.ts';
