export { createHandlers, type Service } from './handlers.ts';
export { defaultCacheDir } from './cache-dir.ts';
export { LayerRegistry } from './layer-registry.ts';
export { Dispatcher } from './dispatch.ts';
