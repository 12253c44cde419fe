/** `@inference-ts/core/registry`: find models by id, download and cache them. */
export { BUILTIN_ALIASES } from './internal/registry/aliases.js';
export { type CachedModelInfo, resolveCacheDir } from './internal/registry/cache.js';
export { makeDir } from './internal/registry/make-dir.js';
export { type ModelSpecifier, parseModelId } from './internal/registry/model-id.js';
export {
  ModelRegistry,
  type ModelRegistryOptions,
  type ModelSource,
  type ResolvedModel,
  type ResolveOptions,
} from './internal/registry/registry.js';
export { DEFAULT_API_BASE_URL, resolveApiBaseUrl } from './internal/registry/roboflow-api.js';
