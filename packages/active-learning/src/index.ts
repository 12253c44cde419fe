/**
 * @inference-ts/active-learning: sample real-world model answers by
 * Roboflow's strategies and limits, and deliver them durably to a Roboflow
 * dataset or a local COCO folder.
 *
 * This file is the public surface (`api-report.txt` lists it); every other module lives in
 * src/internal/, which the package's `exports` map never reaches.
 */

export {
  ActiveLearning,
  type ActiveLearningLogger,
  type ActiveLearningOptions,
  type ActiveLearningStatus,
  type Datapoint,
  type RegisterOutcome,
} from './internal/active-learning.js';
export * from './internal/config.js';
export {
  type ConfigRequest,
  type ConfigSource,
  LocalConfigSource,
  type ResolvedConfig,
  RoboflowConfigSource,
  type RoboflowConfigSourceOptions,
} from './internal/config-source.js';
export type { ActiveLearningCounters } from './internal/counters.js';
export type { DeliveryOptions } from './internal/delivery.js';
export { activeLearningOptionsFromEnv, defaultStateDir } from './internal/env.js';
export {
  ActiveLearningError,
  type ActiveLearningErrorCode,
  AL_ERROR_CODES,
  isActiveLearningError,
} from './internal/errors.js';
export type { DatapointImage, PreparedImage } from './internal/image.js';
export type { OutboxItem } from './internal/outbox.js';
export { PACKAGE_NAME } from './internal/package-name.js';
export type { PredictionType, WireClass, WireDetection, WirePrediction } from './internal/prediction.js';
export { type RedisLike, RedisLimits } from './internal/redis-limits.js';
export type { RandomSource } from './internal/strategies.js';
export type { CocoFile } from './internal/targets/coco.js';
export { COCO_FILE, FolderTarget, parseTargetSpec } from './internal/targets/folder.js';
export { RoboflowTarget, type RoboflowTargetOptions } from './internal/targets/roboflow.js';
export type { ActiveLearningTarget, DeliveryContext } from './internal/targets/types.js';
