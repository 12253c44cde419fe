/**
 * @inference-ts/active-learning: sample real-world model answers by
 * Roboflow's strategies and limits, and deliver them durably to a Roboflow
 * dataset or a local COCO folder.
 *
 * This file is the public surface (`api-report.txt` lists it); every other module is internal.
 */
export const PACKAGE_NAME = '@inference-ts/active-learning';

export {
  ActiveLearning,
  type ActiveLearningLogger,
  type ActiveLearningOptions,
  type ActiveLearningStatus,
  type Datapoint,
  type RegisterOutcome,
} from './active-learning.js';
export * from './config.js';
export {
  type ConfigRequest,
  type ConfigSource,
  LocalConfigSource,
  type ResolvedConfig,
  RoboflowConfigSource,
  type RoboflowConfigSourceOptions,
} from './config-source.js';
export type { ActiveLearningCounters } from './counters.js';
export type { DeliveryOptions } from './delivery.js';
export { activeLearningOptionsFromEnv, defaultStateDir } from './env.js';
export {
  ActiveLearningError,
  type ActiveLearningErrorCode,
  AL_ERROR_CODES,
  isActiveLearningError,
} from './errors.js';
export type { DatapointImage, PreparedImage } from './image.js';
export type { OutboxItem } from './outbox.js';
export type { PredictionType, WireClass, WireDetection, WirePrediction } from './prediction.js';
export { type RedisLike, RedisLimits } from './redis-limits.js';
export type { RandomSource } from './strategies.js';
export type { CocoFile } from './targets/coco.js';
export { COCO_FILE, FolderTarget, parseTargetSpec } from './targets/folder.js';
export { RoboflowTarget, type RoboflowTargetOptions } from './targets/roboflow.js';
export type { ActiveLearningTarget, DeliveryContext } from './targets/types.js';
