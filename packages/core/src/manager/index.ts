export {
  type Disposable,
  type ModelLease,
  type ModelLoadEvent,
  ModelManager,
  type ModelManagerEvent,
  type ModelManagerOptions,
} from './manager.js';
