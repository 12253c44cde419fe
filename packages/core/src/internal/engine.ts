import { type LoadContext, type ModelLease, ModelManager } from './manager/index.js';
import { loadModel } from './model/load.js';
import { BUILTIN_OCR_ID, isBuiltinOcrId, OcrPipelineModel } from './model/ocr-model.js';
import type { LoadOptions, ModelDescription, VisionModel } from './model/types.js';
import { ModelRegistry, type ModelRegistryOptions } from './registry/index.js';
import { setOrtLogLevel } from './runtime/onnx-session.js';

/** Per-call options of `getModel` / `acquire`. */
export interface ModelRequestOptions {
  /** Roboflow API key for this caller (e.g. a request's `api_key`), used if the model must be fetched. */
  apiKey?: string;
}

export interface EngineOptions extends ModelRegistryOptions {
  /** Most models kept loaded at once; least recently used unpinned ones are unloaded (default 8). */
  maxActiveModels?: number;
  /** Session settings for every model this engine loads. */
  session?: LoadOptions;
  /** Called when a model starts and finishes loading (cold starts). */
  onModelLoad?: (event: {
    id: string;
    phase: 'start' | 'end' | 'error';
    ms?: number;
    error?: unknown;
  }) => void;
}

/**
 * The native API's entry point: finds models (local folders, .onnx files,
 * URLs, Roboflow ids, aliases), loads each once, keeps them in an LRU, and
 * hands out `Model`s to run.
 *
 * @example
 * import { InferenceEngine } from '@inference-ts/core';
 * const engine = new InferenceEngine({ cacheDir: '/tmp/models', apiKey: process.env.ROBOFLOW_API_KEY });
 * // or let the app's environment give the defaults (MODEL_CACHE_DIR, API_BASE_URL, ORT_LOG_LEVEL):
 * // new InferenceEngine({ env: process.env })
 * const model = await engine.getModel('path/to/model-dir');
 * const result = await model.infer('dog.jpg', { confidence: 0.5 });
 * console.log(result.predictions);   // [{ x, y, width, height, confidence, class, class_id, detection_id }, ...]
 * await engine.dispose();
 */
export class InferenceEngine {
  readonly registry: ModelRegistry;
  readonly #manager: ModelManager<VisionModel>;
  readonly #session: LoadOptions;

  constructor(options: EngineOptions = {}) {
    this.registry = new ModelRegistry(options);
    if (options.env) setOrtLogLevel(options.env.ORT_LOG_LEVEL);
    this.#session = options.session ?? {};
    this.#manager = new ModelManager<VisionModel>({
      maxActive: options.maxActiveModels ?? 8,
      load: async (id: string, context?: LoadContext) => {
        if (id === BUILTIN_OCR_ID) return OcrPipelineModel.load(this.#session);
        // the caller that started this load brings its own API key, if any
        const found = await this.registry.resolve(id, context?.apiKey ? { apiKey: context.apiKey } : {});
        return loadModel(
          { id: found.id, weightsPath: found.weightsPath, manifest: found.manifest, source: found.source },
          this.#session,
        );
      },
      onLoad: options.onModelLoad,
    });
  }

  /**
   * The loaded model for an id, loading it first if needed (once, however many ask).
   * `apiKey` is used to fetch a Roboflow model not yet cached (over the engine's own key).
   */
  getModel(id: string, options: ModelRequestOptions = {}): Promise<VisionModel> {
    return this.#manager.get(this.#canonical(id), options);
  }

  /** Built-in models answer to several spellings; everything else is passed to the registry as given. */
  #canonical(id: string): string {
    return isBuiltinOcrId(id) ? BUILTIN_OCR_ID : id;
  }

  /**
   * Hold a model for the duration of some work: it is not unloaded (even if
   * evicted meanwhile) until `release()`. Tells whether this call waited for a load.
   */
  acquire(id: string, options: ModelRequestOptions = {}): Promise<ModelLease<VisionModel>> {
    return this.#manager.acquire(this.#canonical(id), options);
  }

  /** Run `fn` with the model held, releasing it afterwards. */
  use<T>(id: string, fn: (model: VisionModel) => Promise<T> | T): Promise<T> {
    return this.#manager.use(this.#canonical(id), fn);
  }

  /** Load a model and keep it loaded (never evicted) until `unpin`. */
  async pin(id: string): Promise<VisionModel> {
    id = this.#canonical(id);
    this.#manager.pin(id); // before the load, so the model is never evictable in between
    return this.#manager.get(id);
  }

  unpin(id: string): void {
    this.#manager.unpin(this.#canonical(id));
  }

  isLoaded(id: string): boolean {
    return this.#manager.has(this.#canonical(id));
  }

  /** Unload one model (waits for inferences running on it). Unknown ids are ignored. */
  unload(id: string): Promise<void> {
    return this.#manager.unload(this.#canonical(id));
  }

  /** Descriptions of the loaded models. */
  loadedModels(): ModelDescription[] {
    return this.#manager.loaded().map((m) => m.describe());
  }

  /** Unload everything. The engine can still load models afterwards. */
  clear(): Promise<void> {
    return this.#manager.clear();
  }

  /** Unload everything and release resources. */
  dispose(): Promise<void> {
    return this.#manager.dispose();
  }
}
