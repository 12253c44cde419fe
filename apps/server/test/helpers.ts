/**
 * Fixtures for the server tests: tiny constant-output models (classification,
 * keypoints, semantic segmentation) written to a temp dir with an
 * `inference.json`, the real shared YOLO models behind aliases, and a server
 * factory on a loopback port.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EngineOptions, InferenceEngine, type ModelLease, type VisionModel } from '@inference-ts/core';
import type { FastifyInstance } from 'fastify';
import { constantOutputModel } from '../../../testing/onnx-builder.js';
import { cocoNames, HAS_SHARED, sharedMedia, sharedModel } from '../../../testing/shared.js';
import type { ServerOptions } from '../src/internal/options.js';
import { buildServer } from '../src/internal/server.js';

export { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../testing/shared.js';

const KEYPOINTS = 17;

/** [1, 5 + 17·3, 64] pose output: anchor 3 is a person at (32, 32) 20×20 with confidence 0.9 and keypoints on a line. */
function poseOutput(): Float32Array {
  const ch = 5 + KEYPOINTS * 3;
  const n = 64;
  const d = new Float32Array(ch * n);
  const set = (c: number, a: number, v: number) => {
    d[c * n + a] = v;
  };
  set(0, 3, 32);
  set(1, 3, 32);
  set(2, 3, 20);
  set(3, 3, 20);
  set(4, 3, 0.9);
  for (let q = 0; q < KEYPOINTS; q++) {
    set(5 + q * 3, 3, 20 + q);
    set(6 + q * 3, 3, 30);
    set(7 + q * 3, 3, 0.8);
  }
  return d;
}

/** Semantic logits [1, 3, 8, 8]: left half class 1 ('road'), right half class 2 ('car'). */
function semanticOutput(): Float32Array {
  const v = new Float32Array(3 * 64);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) v[(x < 4 ? 1 : 2) * 64 + y * 8 + x] = 4;
  return v;
}

export interface ModelFixtures {
  root: string;
  classification: string;
  multiLabel: string;
  keypoints: string;
  semantic: string;
  /** Shared YOLOv8n-seg behind an instance-segmentation manifest (only with HAS_SHARED). */
  segmentation?: string;
}

let cached: ModelFixtures | undefined;

/** Builds the model folders once per test file. */
export function modelFixtures(): ModelFixtures {
  if (cached) return cached;
  const root = mkdtempSync(join(tmpdir(), 'inference-server-models-'));
  const make = (
    name: string,
    manifest: Record<string, unknown>,
    onnx?: Uint8Array,
    link?: string,
  ): string => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    if (onnx) writeFileSync(join(dir, 'model.onnx'), onnx);
    if (link) symlinkSync(link, join(dir, 'model.onnx'));
    writeFileSync(join(dir, 'inference.json'), JSON.stringify({ weights: 'model.onnx', ...manifest }));
    return dir;
  };
  const input = (size: number) => ({ name: 'images', shape: [1, 3, size, size] });
  cached = {
    root,
    classification: make(
      'classifier',
      {
        task: 'classification',
        family: 'classification',
        input: { width: 32, height: 32, resize: 'stretch' },
        classes: ['cat', 'dog', 'car'],
      },
      constantOutputModel(input(32), { logits: { dims: [1, 3], data: [2, 0, 1] } }),
    ),
    multiLabel: make(
      'multilabel',
      {
        task: 'classification',
        family: 'classification',
        multiLabel: true,
        input: { width: 32, height: 32, resize: 'stretch' },
        classes: ['cat', 'dog', 'car'],
      },
      constantOutputModel(input(32), { logits: { dims: [1, 3], data: [0.9, 0.1, 0.7] } }),
    ),
    keypoints: make(
      'pose',
      {
        task: 'keypoint-detection',
        family: 'yolov8',
        input: { width: 64, height: 64, resize: 'stretch' },
        classes: ['person'],
      },
      constantOutputModel(input(64), { output0: { dims: [1, 5 + KEYPOINTS * 3, 64], data: poseOutput() } }),
    ),
    semantic: make(
      'semantic',
      {
        task: 'semantic-segmentation',
        family: 'segformer',
        input: { width: 32, height: 32, resize: 'stretch' },
        classes: ['background', 'road', 'car'],
      },
      constantOutputModel(input(32), { logits: { dims: [1, 3, 8, 8], data: semanticOutput() } }),
    ),
  };
  if (HAS_SHARED) {
    cached.segmentation = make(
      'yolov8n-seg',
      {
        task: 'instance-segmentation',
        family: 'yolov8',
        input: { width: 320, height: 320, resize: 'letterbox', padColor: [114, 114, 114] },
        classes: cocoNames(),
      },
      undefined,
      sharedModel('yolov8n-seg_int8.onnx'),
    );
  }
  return cached;
}

/** Aliases the tests use: Roboflow-style ids that point at local fixtures (as an operator's MODEL_ALIASES would). */
export function testAliases(f: ModelFixtures): Record<string, string> {
  const a: Record<string, string> = {
    'classifier/1': f.classification,
    'multilabel/1': f.multiLabel,
    'pose/1': f.keypoints,
    'semantic/1': f.semantic,
  };
  if (HAS_SHARED) {
    a['coco/3'] = sharedModel('yolov8n_int8.onnx');
    if (f.segmentation) a['coco-seg/1'] = f.segmentation;
  }
  return a;
}

/** A server for tests: quiet logs, test aliases, a temp cache, local model paths allowed. */
export async function testServer(extra: ServerOptions = {}): Promise<FastifyInstance> {
  return buildServer({
    logger: false,
    models: { allowLocalPaths: true },
    ...extra,
    engineOptions: { ...testEngineOptions(), ...extra.engineOptions },
  });
}

/** base64 of a shared photo. */
export async function photoBase64(name = 'dog.jpg'): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(sharedMedia(name))).toString('base64');
}

/**
 * An engine whose models wait at a gate before inferring, so tests can hold
 * requests in flight deterministically (queue-full, timeouts, shutdown).
 */
export class GatedEngine extends InferenceEngine {
  #open!: () => void;
  #gate!: Promise<void>;
  /** Inferences currently waiting at the gate. */
  waiting = 0;

  constructor(options: EngineOptions) {
    super(options);
    this.close();
  }

  /** Let waiting and future inferences through. */
  open(): void {
    this.#open();
  }

  /** Hold future inferences again. */
  close(): void {
    this.#gate = new Promise((r) => {
      this.#open = r;
    });
  }

  override async acquire(id: string): Promise<ModelLease<VisionModel>> {
    const lease = await super.acquire(id);
    const m = lease.model;
    const gated: VisionModel = {
      id: m.id,
      manifest: m.manifest,
      task: m.task,
      describe: () => m.describe(),
      infer: (...a) => m.infer(...a),
      inferBatch: (...a) => m.inferBatch(...a),
      inferDecoded: async (...a) => {
        this.waiting++;
        try {
          await this.#gate;
        } finally {
          this.waiting--;
        }
        return m.inferDecoded(...a);
      },
      dispose: () => m.dispose(),
    };
    return { ...lease, model: gated };
  }
}

/** Engine options the tests share (fixtures behind aliases, one ORT thread). */
export function testEngineOptions(): EngineOptions {
  const f = modelFixtures();
  return { cacheDir: join(f.root, 'cache'), aliases: testAliases(f), session: { intraOpThreads: 1 } };
}

/** Resolves when `predicate` holds, polling the event loop (no wall-clock assertions). */
export async function until(predicate: () => boolean, what: string, maxMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > maxMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
