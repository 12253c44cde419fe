import { resolveModelAlias } from './aliases.js';
import {
  createInferenceConfiguration,
  type InferenceConfiguration,
  type InferenceConfigurationInput,
} from './configuration.js';
import {
  APIKeyNotProvided,
  InvalidModelIdentifier,
  InvalidParameterError,
  ModelNotInitializedError,
  ModelNotSelectedError,
  ModelTaskTypeNotSupportedError,
  WrongClientModeError,
} from './errors.js';
import { HttpTransport, type ResponseMeta } from './http.js';
import { type ImageInput, toWireImage } from './image-input.js';
import { isV1TaskType, usageQueryParams, V1_INFER_ROUTES, v0QueryParams, v1BodyParams } from './params.js';
import {
  pipelinePath,
  type StartPipelineWithWorkflowOptions,
  type WirePipelineResponse,
  type WirePipelineResults,
  type WirePipelineStatus,
  type WirePipelinesList,
  workflowPipelinePayload,
} from './pipelines.js';
import { chunk, mapWithConcurrency } from './pool.js';
import type {
  WireHealthResponse,
  WireInferenceRequest,
  WireInferenceResponse,
  WireModelAddRequest,
  WireModelDescription,
  WireModelsDescriptions,
  WireOcrRequest,
  WireOcrResponse,
  WireReadinessResponse,
  WireServerInfo,
  WireVisualizationResponse,
} from './wire.js';

/**
 * Roboflow's hosted API URLs. A client whose `apiUrl` starts with one of them starts in `v0`
 * mode (the legacy `/{dataset}/{version}` route); any other URL starts in `v1` mode.
 */
export const HOSTED_API_URLS: readonly string[] = Object.freeze([
  'https://detect.roboflow.com',
  'https://outline.roboflow.com',
  'https://classify.roboflow.com',
  'https://infer.roboflow.com',
  'https://serverless.roboflow.com',
  'https://serverless.roboflow.one',
  'https://serverless.roboflow.eu',
  'https://serverless.roboflow-eu.one',
  'https://asyncinfer.roboflow.com',
  'https://asyncinfer.roboflow.one',
]);

/** `v0`: hosted legacy route, one image per request. `v1`: `/infer/{task}` routes with model management. */
export type ClientMode = 'v0' | 'v1';

/** OCR models and the route each one is served on. */
export const OCR_ROUTES = Object.freeze({
  doctr: '/doctr/ocr',
  trocr: '/ocr/trocr',
  easy_ocr: '/easy_ocr/ocr',
  'pp-ocr': '/ocr/pp-ocr',
});

/** An OCR model name accepted by {@link InferenceHTTPClient.ocrImage}. */
export type OcrModel = keyof typeof OCR_ROUTES;

/** Options of {@link InferenceHTTPClient.ocrImage}; undefined values are not sent. */
export interface OcrOptions {
  /** Default `doctr`, as in the Python client. */
  model?: OcrModel;
  /** Sent as `<model>_version_id`, for example `trocr_version_id: 'trocr-small-printed'`. */
  version?: string;
  /** doctr: also return word boxes as `predictions`. */
  generateBoundingBoxes?: boolean;
  /** easy_ocr: languages, for example `['en']`. */
  languageCodes?: string[];
  /** easy_ocr: use the quantized model. */
  quantize?: boolean;
}

/** Constructor options of {@link InferenceHTTPClient}. */
export interface InferenceHTTPClientOptions {
  /** Server base URL, for example `http://localhost:9001` or `https://detect.roboflow.com`. */
  apiUrl: string;
  /** Roboflow API key; needed for v0 and for private models. */
  apiKey?: string;
  /** Custom fetch (tests, proxies, instrumentation). Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Initial configuration (defaults otherwise). */
  configuration?: InferenceConfigurationInput;
}

/** What `infer` returns per image. `WireVisualizationResponse` only for v0 with `format: 'image'`. */
export type InferResponse = WireInferenceResponse | WireVisualizationResponse;

/** `inferWithMeta` result: the same result as `infer`, plus one {@link ResponseMeta} per HTTP inference request. */
export interface InferWithMeta<R> {
  result: R;
  meta: ResponseMeta[];
}

interface Batch {
  results: InferResponse[];
  meta: ResponseMeta[];
}

/**
 * HTTP client for Roboflow Inference compatible servers (Inference TS and Roboflow's own);
 * the TypeScript twin of Python's `inference_sdk.InferenceHTTPClient`.
 *
 * Setters (`configure`, `selectModel`, `selectApiV0/V1`) change this client and return it;
 * `withConfiguration` returns a new client and leaves this one alone.
 * @example
 * const client = new InferenceHTTPClient({ apiUrl: 'http://localhost:9001', apiKey: process.env.ROBOFLOW_API_KEY });
 * const result = await client.infer('./dog.jpg', 'yolov8n-640');
 * console.log(result.predictions);
 */
export class InferenceHTTPClient {
  readonly #apiUrl: string;
  readonly #apiKey: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #http: HttpTransport;
  #mode: ClientMode;
  #model: string | undefined;
  #config: InferenceConfiguration;

  constructor(options: InferenceHTTPClientOptions) {
    if (typeof options?.apiUrl !== 'string' || !/^https?:\/\//i.test(options.apiUrl)) {
      throw new InvalidParameterError(`apiUrl must be an http(s) URL, got ${String(options?.apiUrl)}`);
    }
    this.#apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.#apiKey = options.apiKey || undefined;
    const f = options.fetch ?? globalThis.fetch;
    // Called as a plain function: browsers reject `fetch` invoked with a foreign `this`.
    this.#fetch = (input, init) => f(input, init);
    this.#http = new HttpTransport(this.#apiUrl, this.#apiKey, this.#fetch);
    this.#mode = HOSTED_API_URLS.some((u) => this.#apiUrl.startsWith(u)) ? 'v0' : 'v1';
    this.#config = createInferenceConfiguration(options.configuration);
  }

  /** Same as the constructor (mirrors Python's `InferenceHTTPClient.init`). */
  static init(options: InferenceHTTPClientOptions): InferenceHTTPClient {
    return new InferenceHTTPClient(options);
  }

  /** Base URL without a trailing slash. */
  get apiUrl(): string {
    return this.#apiUrl;
  }

  /** `v0` or `v1`. */
  get clientMode(): ClientMode {
    return this.#mode;
  }

  /** The model used when `infer` gets no model id. */
  get selectedModel(): string | undefined {
    return this.#model;
  }

  /** The current (frozen) configuration. */
  get inferenceConfiguration(): InferenceConfiguration {
    return this.#config;
  }

  /** Switches to the legacy hosted API. */
  selectApiV0(): this {
    this.#mode = 'v0';
    return this;
  }

  /** Switches to the v1 `/infer/*` API. */
  selectApiV1(): this {
    this.#mode = 'v1';
    return this;
  }

  /** Sets the default model id (aliases allowed). */
  selectModel(modelId: string): this {
    this.#model = modelId;
    return this;
  }

  /** Replaces the configuration with `cfg` over the defaults (as Python's `configure`). To patch, spread `inferenceConfiguration`. */
  configure(cfg: InferenceConfigurationInput): this {
    this.#config = createInferenceConfiguration(cfg);
    return this;
  }

  /** A new client with the same URL, key, mode and model, and the configuration `cfg` over the defaults. */
  withConfiguration(cfg: InferenceConfigurationInput): InferenceHTTPClient {
    const copy = new InferenceHTTPClient({
      apiUrl: this.#apiUrl,
      apiKey: this.#apiKey,
      fetch: this.#fetch,
      configuration: cfg,
    });
    copy.#mode = this.#mode;
    copy.#model = this.#model;
    return copy;
  }

  // ---------------------------------------------------------------- server state

  /** `GET /info`. */
  async getServerInfo(): Promise<WireServerInfo> {
    return (await this.#http.request<WireServerInfo>({ method: 'GET', path: '/info' }, this.#config)).data;
  }

  /** `GET /healthz`, one try; a 503 `{status:"unhealthy"}` is returned, not thrown. */
  async health(): Promise<WireHealthResponse> {
    const spec = { method: 'GET', path: '/healthz', retry: false, acceptStatuses: [503] } as const;
    return (await this.#http.request<WireHealthResponse>(spec, this.#config)).data;
  }

  /** `GET /readiness`, one try; a 503 `{status:"not ready"}` is returned, not thrown. */
  async readiness(): Promise<WireReadinessResponse> {
    const spec = { method: 'GET', path: '/readiness', retry: false, acceptStatuses: [503] } as const;
    return (await this.#http.request<WireReadinessResponse>(spec, this.#config)).data;
  }

  // ---------------------------------------------------------------- model management (v1)

  /**
   * `GET /model/registry`. Sends `?api_key=` only when a key is set (Python sends the literal
   * `api_key=None` without one; servers ignore both).
   */
  async listLoadedModels(): Promise<WireModelsDescriptions> {
    this.#requireV1('listLoadedModels');
    const query: Record<string, string> = this.#keyInParams() ? { api_key: this.#apiKey! } : {};
    return (
      await this.#http.request<WireModelsDescriptions>(
        { method: 'GET', path: '/model/registry', query },
        this.#config,
      )
    ).data;
  }

  /** `POST /model/add` with the de-aliased id; `setAsDefault` also selects it. */
  async loadModel(
    modelId: string,
    options: { setAsDefault?: boolean } = {},
  ): Promise<WireModelsDescriptions> {
    this.#requireV1('loadModel');
    const id = resolveModelAlias(modelId);
    const json: WireModelAddRequest = { model_id: id, ...this.#bodyKey() };
    const res = await this.#http.request<WireModelsDescriptions>(
      { method: 'POST', path: '/model/add', json, query: usageQueryParams(this.#config) },
      this.#config,
    );
    if (options.setAsDefault) this.#model = id;
    return res.data;
  }

  /** `POST /model/remove`; unselects the model if it was selected. */
  async unloadModel(modelId: string): Promise<WireModelsDescriptions> {
    this.#requireV1('unloadModel');
    const id = resolveModelAlias(modelId);
    const res = await this.#http.request<WireModelsDescriptions>(
      { method: 'POST', path: '/model/remove', json: { model_id: id } },
      this.#config,
    );
    if (this.#model === id || this.#model === modelId) this.#model = undefined;
    return res.data;
  }

  /** `POST /model/clear`; unselects the selected model. */
  async unloadAllModels(): Promise<WireModelsDescriptions> {
    this.#requireV1('unloadAllModels');
    const res = await this.#http.request<WireModelsDescriptions>(
      { method: 'POST', path: '/model/clear' },
      this.#config,
    );
    this.#model = undefined;
    return res.data;
  }

  /**
   * The registry entry of a model; loads it first (`POST /model/add`) when absent and `allowLoading`
   * (default true). Throws {@link ModelNotInitializedError} if it is still not there.
   */
  async getModelDescription(
    modelId: string,
    options: { allowLoading?: boolean } = {},
  ): Promise<WireModelDescription> {
    this.#requireV1('getModelDescription');
    const id = resolveModelAlias(modelId);
    const find = (d: WireModelsDescriptions) =>
      d.models?.find((m) => m.model_id === id || m.model_id === modelId);
    let found = find(await this.listLoadedModels());
    if (!found && options.allowLoading !== false) found = find(await this.loadModel(id));
    if (!found) throw new ModelNotInitializedError(`Model ${id} is not loaded on ${this.#apiUrl}`);
    return found;
  }

  // ---------------------------------------------------------------- inference

  /**
   * Runs a model on one image (returns one response) or a list (returns a list, in order).
   * Dispatches on {@link clientMode}; see `inferFromApiV0` / `inferFromApiV1`.
   * @example
   * const [a, b] = await client.infer(['a.jpg', 'b.jpg'], 'coco/3');
   */
  infer(input: ImageInput, modelId?: string): Promise<InferResponse>;
  infer(input: readonly ImageInput[], modelId?: string): Promise<InferResponse[]>;
  infer(
    input: ImageInput | readonly ImageInput[],
    modelId?: string,
  ): Promise<InferResponse | InferResponse[]>;
  async infer(
    input: ImageInput | readonly ImageInput[],
    modelId?: string,
  ): Promise<InferResponse | InferResponse[]> {
    return (await this.inferWithMeta(input, modelId)).result;
  }

  /**
   * As {@link infer}, and also returns the `X-Processing-Time`, `X-Model-Id` and
   * `X-Model-Cold-Start` headers of each inference request (model-management calls excluded).
   */
  inferWithMeta(input: ImageInput, modelId?: string): Promise<InferWithMeta<InferResponse>>;
  inferWithMeta(input: readonly ImageInput[], modelId?: string): Promise<InferWithMeta<InferResponse[]>>;
  inferWithMeta(
    input: ImageInput | readonly ImageInput[],
    modelId?: string,
  ): Promise<InferWithMeta<InferResponse | InferResponse[]>>;
  async inferWithMeta(
    input: ImageInput | readonly ImageInput[],
    modelId?: string,
  ): Promise<InferWithMeta<InferResponse | InferResponse[]>> {
    return this.#run(input, modelId, this.#mode);
  }

  /** Legacy hosted route: one `POST /{dataset}/{version}` per image, parameters in the query, raw base64 body. */
  inferFromApiV0(input: ImageInput, modelId?: string): Promise<InferResponse>;
  inferFromApiV0(input: readonly ImageInput[], modelId?: string): Promise<InferResponse[]>;
  async inferFromApiV0(
    input: ImageInput | readonly ImageInput[],
    modelId?: string,
  ): Promise<InferResponse | InferResponse[]> {
    return (await this.#run(input, modelId, 'v0')).result;
  }

  /** v1 route: registry lookup (and `/model/add`), then `POST /infer/{task}` per batch of `maxBatchSize` images. */
  inferFromApiV1(input: ImageInput, modelId?: string): Promise<InferResponse>;
  inferFromApiV1(input: readonly ImageInput[], modelId?: string): Promise<InferResponse[]>;
  async inferFromApiV1(
    input: ImageInput | readonly ImageInput[],
    modelId?: string,
  ): Promise<InferResponse | InferResponse[]> {
    this.#requireV1('inferFromApiV1');
    return (await this.#run(input, modelId, 'v1')).result;
  }

  async #run(
    input: ImageInput | readonly ImageInput[],
    modelId: string | undefined,
    mode: ClientMode,
  ): Promise<InferWithMeta<InferResponse | InferResponse[]>> {
    const model = modelId ?? this.#model;
    if (model === undefined) throw new ModelNotSelectedError();
    const many = Array.isArray(input);
    const inputs: readonly ImageInput[] = many ? input : [input as ImageInput];
    const batch = mode === 'v0' ? await this.#inferV0(inputs, model) : await this.#inferV1(inputs, model);
    return { result: many ? batch.results : batch.results[0], meta: batch.meta };
  }

  async #inferV0(inputs: readonly ImageInput[], modelId: string): Promise<Batch> {
    if (this.#apiKey === undefined)
      throw new APIKeyNotProvided('The v0 API needs an API key: pass apiKey to the client');
    const id = resolveModelAlias(modelId);
    const parts = id.split('/');
    if (parts.length !== 2 || parts.some((p) => p === '')) {
      throw new InvalidModelIdentifier(`v0 model ids must be "<dataset>/<version>", got "${modelId}"`);
    }
    const path = `/${parts.map(encodeURIComponent).join('/')}`;
    const cfg = this.#config;
    const baseQuery = { ...(this.#keyInParams() ? { api_key: this.#apiKey } : {}), ...v0QueryParams(cfg) };
    const done = await mapWithConcurrency(inputs, cfg.maxConcurrentRequests, async (item) => {
      const image = await toWireImage(item, this.#fetch);
      // The legacy route takes a URL in the `image` query param and then ignores the body.
      const query = image.type === 'url' ? { ...baseQuery, image: image.value } : baseQuery;
      const rawBody = image.type === 'url' ? undefined : image.value;
      return this.#http.request<InferResponse>({ method: 'POST', path, query, rawBody }, cfg);
    });
    return { results: done.map((r) => r.data), meta: done.map((r) => r.meta) };
  }

  async #inferV1(inputs: readonly ImageInput[], modelId: string): Promise<Batch> {
    const id = resolveModelAlias(modelId);
    const description = await this.getModelDescription(id);
    const task = description.task_type;
    if (!isV1TaskType(task)) {
      throw new ModelTaskTypeNotSupportedError(
        `Model ${id} has task type "${task}", which has no v1 inference route`,
      );
    }
    const cfg = this.#config;
    const path = `/infer/${V1_INFER_ROUTES[task]}`;
    const params = v1BodyParams(cfg, task);
    const query = usageQueryParams(cfg);
    const done = await mapWithConcurrency(
      chunk(inputs, cfg.maxBatchSize),
      cfg.maxConcurrentRequests,
      async (items) => {
        const images = await Promise.all(items.map((item) => toWireImage(item, this.#fetch)));
        const json: WireInferenceRequest = {
          model_id: id,
          ...this.#bodyKey(),
          image: images.length === 1 ? images[0] : images,
          ...params,
        };
        const res = await this.#http.request<InferResponse | InferResponse[]>(
          { method: 'POST', path, query, json },
          cfg,
        );
        return { results: Array.isArray(res.data) ? res.data : [res.data], meta: res.meta };
      },
    );
    return { results: done.flatMap((d) => d.results), meta: done.map((d) => d.meta) };
  }

  // ---------------------------------------------------------------- OCR

  /**
   * OCR with doctr (default), trocr, easy_ocr or pp-ocr: one request per image, at most
   * `maxConcurrentRequests` at once. A list in gives a list out.
   * @example
   * const { result } = await client.ocrImage('./plate.jpg', { model: 'trocr' });
   */
  ocrImage(input: ImageInput, options?: OcrOptions): Promise<WireOcrResponse>;
  ocrImage(input: readonly ImageInput[], options?: OcrOptions): Promise<WireOcrResponse[]>;
  async ocrImage(
    input: ImageInput | readonly ImageInput[],
    options: OcrOptions = {},
  ): Promise<WireOcrResponse | WireOcrResponse[]> {
    const model = (options.model ?? 'doctr').toLowerCase() as OcrModel;
    if (!Object.hasOwn(OCR_ROUTES, model)) {
      throw new InvalidParameterError(
        `Unknown OCR model "${options.model}": use ${Object.keys(OCR_ROUTES).join(', ')}`,
      );
    }
    const path = OCR_ROUTES[model];
    // v0 (hosted) carries the key in the query, v1 in the body, as the Python client does.
    const query: Record<string, string> =
      this.#mode === 'v0' && this.#keyInParams() ? { api_key: this.#apiKey! } : {};
    const many = Array.isArray(input);
    const inputs: readonly ImageInput[] = many ? input : [input as ImageInput];
    const results = await mapWithConcurrency(inputs, this.#config.maxConcurrentRequests, async (item) => {
      const json: WireOcrRequest = { image: await toWireImage(item, this.#fetch) };
      if (this.#mode === 'v1') Object.assign(json, this.#bodyKey());
      if (options.version !== undefined)
        json[`${model.replace('-', '_')}_version_id` as 'doctr_version_id'] = options.version;
      if (options.generateBoundingBoxes !== undefined)
        json.generate_bounding_boxes = options.generateBoundingBoxes;
      if (options.languageCodes !== undefined) json.language_codes = options.languageCodes;
      if (options.quantize !== undefined) json.quantize = options.quantize;
      return (await this.#http.request<WireOcrResponse>({ method: 'POST', path, query, json }, this.#config))
        .data;
    });
    return many ? results : results[0];
  }

  // ---------------------------------------------------------------- inference pipelines (stream API)

  /**
   * `POST /inference_pipelines/initialise` with a workflow (Roboflow's `start_inference_pipeline_with_workflow`).
   * @example
   * const { context } = await client.startInferencePipelineWithWorkflow({ videoReference: 'rtsp://cam/1', workspaceName: 'ws', workflowId: 'people' });
   */
  async startInferencePipelineWithWorkflow(
    options: StartPipelineWithWorkflowOptions,
  ): Promise<WirePipelineResponse> {
    const json = workflowPipelinePayload(options, this.#apiKey);
    return (
      await this.#http.request<WirePipelineResponse>(
        { method: 'POST', path: '/inference_pipelines/initialise', json },
        this.#config,
      )
    ).data;
  }

  /** `GET /inference_pipelines/list`. */
  async listInferencePipelines(): Promise<WirePipelinesList> {
    return (
      await this.#http.request<WirePipelinesList>(
        { method: 'GET', path: '/inference_pipelines/list', query: this.#pipelineQuery() },
        this.#config,
      )
    ).data;
  }

  /** `GET /inference_pipelines/{id}/status`: Roboflow's pipeline report. */
  async getInferencePipelineStatus(pipelineId: string): Promise<WirePipelineStatus> {
    const path = pipelinePath(pipelineId, 'status');
    return (
      await this.#http.request<WirePipelineStatus>(
        { method: 'GET', path, query: this.#pipelineQuery() },
        this.#config,
      )
    ).data;
  }

  /** `POST /inference_pipelines/{id}/pause` (Roboflow's mute: sources keep reading, frames are dropped). */
  async pauseInferencePipeline(pipelineId: string): Promise<WirePipelineResponse> {
    return this.#pipelineCommand(pipelineId, 'pause');
  }

  /** `POST /inference_pipelines/{id}/resume`. */
  async resumeInferencePipeline(pipelineId: string): Promise<WirePipelineResponse> {
    return this.#pipelineCommand(pipelineId, 'resume');
  }

  /** `POST /inference_pipelines/{id}/terminate`. */
  async terminateInferencePipeline(pipelineId: string): Promise<WirePipelineResponse> {
    return this.#pipelineCommand(pipelineId, 'terminate');
  }

  /**
   * `GET /inference_pipelines/{id}/consume`: the oldest buffered result (empty lists when none).
   * `excludedFields` travel as a query parameter, since fetch cannot send a GET body (the
   * Python client's way; Inference TS accepts both).
   */
  async consumeInferencePipelineResult(
    pipelineId: string,
    excludedFields: string[] = [],
  ): Promise<WirePipelineResults> {
    const path = pipelinePath(pipelineId, 'consume');
    const query = {
      ...this.#pipelineQuery(),
      ...(excludedFields.length ? { excluded_fields: excludedFields.join(',') } : {}),
    };
    return (await this.#http.request<WirePipelineResults>({ method: 'GET', path, query }, this.#config)).data;
  }

  async #pipelineCommand(pipelineId: string, action: string): Promise<WirePipelineResponse> {
    const path = pipelinePath(pipelineId, action);
    return (
      await this.#http.request<WirePipelineResponse>(
        { method: 'POST', path, json: { ...this.#bodyKey() } },
        this.#config,
      )
    ).data;
  }

  #pipelineQuery(): Record<string, string> {
    return this.#keyInParams() ? { api_key: this.#apiKey! } : {};
  }

  // ---------------------------------------------------------------- helpers

  /** True when the key travels in the query (v0, registry) or body (v1): legacy and both transports. */
  #keyInParams(): boolean {
    return this.#apiKey !== undefined && this.#config.apiKeyTransport !== 'header';
  }

  #bodyKey(): { api_key?: string } {
    return this.#keyInParams() ? { api_key: this.#apiKey } : {};
  }

  #requireV1(method: string): void {
    if (this.#mode !== 'v1') {
      throw new WrongClientModeError(
        `${method} needs the v1 API: call selectApiV1() first (the client is in v0 mode)`,
      );
    }
  }
}
