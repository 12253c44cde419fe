/** `@inference-ts/core/registry`: find models by id, download and cache them. */
export { BUILTIN_ALIASES } from '../registry/aliases.js';
export { type CachedModelInfo, resolveCacheDir } from '../registry/cache.js';
export { makeDir } from '../registry/make-dir.js';
export { type ModelSpecifier, parseModelId } from '../registry/model-id.js';
export {
  ModelRegistry,
  type ModelRegistryOptions,
  type ModelSource,
  type ResolvedModel,
  type ResolveOptions,
} from '../registry/registry.js';
export { DEFAULT_API_BASE_URL, resolveApiBaseUrl } from '../registry/roboflow-api.js';
