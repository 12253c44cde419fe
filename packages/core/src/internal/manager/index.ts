export {
  type Disposable,
  type LoadContext,
  type ModelLease,
  type ModelLoadEvent,
  ModelManager,
  type ModelManagerEvent,
  type ModelManagerOptions,
} from './manager.js';
