export {
  defaultClassNames,
  findClassNamesFile,
  keypointsFromRoboflowMetadata,
  parseClassNames,
  readClassNamesFile,
} from './class-names.js';
export { familyFromModelType, taskFromProjectType } from './model-type.js';
export { applyUltralyticsMetadata, parsePythonNames, readOnnxMetadata } from './onnx-metadata.js';
export {
  DEFAULT_INPUT_SIZE,
  defaultManifest,
  MANIFEST_FILE,
  type ModelDirectory,
  readModelDir,
  readOnnxFile,
} from './read.js';
export {
  classesFromClassMap,
  parseRoboflowEnvironment,
  type RoboflowEnvironmentInfo,
  resizeFromRoboflowFormat,
} from './roboflow-env.js';
export type * from './types.js';
export { CONTRAST_MODES, RESIZE_MODES, TASKS, validateManifest } from './validate.js';
