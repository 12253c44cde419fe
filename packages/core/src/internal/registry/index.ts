export { ALIAS_FILE, BUILTIN_ALIASES, checkAliasName, readAliasFile, writeAlias } from './aliases.js';
export {
  CACHE_ENTRY_FILE,
  type CachedModelInfo,
  type CacheEntry,
  isCompleteModelDir,
  LOCK_DIR,
  listCachedModels,
  resolveCacheDir,
  roboflowModelDir,
  URL_DIR,
  urlModelDir,
} from './cache.js';
export {
  DEFAULT_DOWNLOAD_TIMEOUT_MS,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  type DownloadOptions,
  type DownloadResult,
  downloadFile,
  type FetchLike,
  redactUrl,
} from './download.js';
export { guardedFetch } from './guarded-fetch.js';
export { type FileLockOptions, withFileLock } from './lock.js';
export { makeDir } from './make-dir.js';
export {
  CORE_MODEL_PREFIXES,
  isPathLike,
  type ModelSpecifier,
  parseModelId,
  parseModelUrl,
  toAbsolutePath,
} from './model-id.js';
export {
  ModelRegistry,
  type ModelRegistryOptions,
  type ModelSource,
  type ResolvedModel,
  type ResolveOptions,
} from './registry.js';
export {
  apiErrorCode,
  CLIENT_VERSION,
  DEFAULT_API_BASE_URL,
  downloadRoboflowModel,
  getOrtInfo,
  type RoboflowApiOptions,
  type RoboflowOrtInfo,
  resolveApiBaseUrl,
} from './roboflow-api.js';
export { type ExtractOptions, extractTarGz } from './tar.js';
export { downloadUrlModel } from './url-model.js';
