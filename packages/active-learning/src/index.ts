/**
 * @inference-ts/active-learning: sample real-world model answers by
 * Roboflow's strategies and limits, and deliver them durably to a Roboflow
 * dataset or a local COCO folder.
 */
export const PACKAGE_NAME = '@inference-ts/active-learning';

export {
  ActiveLearning,
  type ActiveLearningLogger,
  type ActiveLearningOptions,
  type ActiveLearningStatus,
  type Datapoint,
  datasetOf,
  type RegisterOutcome,
} from './active-learning.js';
export { batchName } from './batching.js';
export * from './config.js';
export {
  type ConfigRequest,
  type ConfigSource,
  LocalConfigSource,
  type ResolvedConfig,
  RoboflowConfigSource,
  type RoboflowConfigSourceOptions,
  readConfigFile,
} from './config-source.js';
export { type ActiveLearningCounters, zeroCounters } from './counters.js';
export { backoffMs, type DeliveryOptions } from './delivery.js';
export { activeLearningOptionsFromEnv, defaultStateDir } from './env.js';
export {
  ActiveLearningError,
  type ActiveLearningErrorCode,
  AL_ERROR_CODES,
  isActiveLearningError,
} from './errors.js';
export { type DatapointImage, type PreparedImage, prepareImage, rescalePrediction } from './image.js';
export { LimitsStore } from './limits.js';
export type { OutboxItem } from './outbox.js';
export type { PredictionType, WireClass, WireDetection, WirePrediction } from './prediction.js';
export { type RedisLike, RedisLimits } from './redis-limits.js';
export { matchingStrategies, type RandomSource, strategyMatches } from './strategies.js';
export { collectTags, parseEnvTags } from './tags.js';
export type { CocoFile } from './targets/coco.js';
export { COCO_FILE, FolderTarget, parseTargetSpec, safeSegment } from './targets/folder.js';
export { DEFAULT_API_URL, RoboflowTarget, type RoboflowTargetOptions } from './targets/roboflow.js';
export type { ActiveLearningTarget, DeliveryContext } from './targets/types.js';
export { type WindowKey, windowKeys } from './windows.js';
