import {
  annotateResult,
  type InferenceResult,
  type InferOptions,
  type RgbImage,
  untilAborted,
  zeroTimings,
} from '@inference-ts/core';
import type { RequestContext } from '../context.js';
import { ServerError } from '../errors.js';
import type { Services } from '../services/index.js';
import { atImage } from './image-errors.js';
import { type ImageSource, openImageSource } from './images.js';
import type { VisualizeOptions } from './params.js';

/** One inference job: a model, checked image sources, options, and an optional visualisation. */
export interface InferenceJob {
  modelId: string;
  /** The caller's Roboflow API key, to fetch a model not cached yet. */
  apiKey?: string;
  /** Aborts when the client disconnects before the answer (see `clientGone`). */
  clientGone?: AbortSignal;
  sources: readonly ImageSource[];
  options: InferOptions;
  visualize?: VisualizeOptions;
  /** Receives the decoded images (active learning registers them after the answer). */
  onDecoded?: (images: RgbImage[]) => void;
}

export interface InferenceOutput {
  results: InferenceResult[];
  /** JPEG per image when a visualisation was asked for. */
  visualizations?: Buffer[];
}

const timeoutError = (ms: number) =>
  new ServerError('SERVER_ERR_TIMEOUT', `The request did not finish within ${ms} ms.`);

/**
 * The request path of every inference route: admit to the model's bounded
 * queue (429 when full), hold the model (503 + Retry-After if it is still
 * loading after the wait), read the images' headers and reserve their decoded
 * pixels from the server-wide budget (413 if they can never fit, 503 after
 * the wait), decode them (off the run slot), wait for a run slot, infer, draw.
 * Stage times go to the metrics. The whole job has a
 * deadline (504); work already started on ONNX Runtime finishes in the
 * background and then frees its slot and model.
 */
export async function runInference(
  s: Services,
  ctx: RequestContext,
  job: InferenceJob,
): Promise<InferenceOutput> {
  // a scale-out front hands the job to the workers through Redis
  if (s.remote) return s.remote.infer(ctx, job);
  const key = s.models.keyFor(job.modelId);
  ctx.models.add(key);
  // a place taken before the body was parsed (early-admission.ts) when it is for this model
  const ticket = ctx.admission?.take(key) ?? s.queues.admit(key);
  const controller = new AbortController();
  const ms = s.options.requestTimeoutMs;
  const timer = setTimeout(() => controller.abort(timeoutError(ms)), ms);
  // a client that hangs up gives its queue place and run slot back at once
  const signal = job.clientGone ? AbortSignal.any([controller.signal, job.clientGone]) : controller.signal;
  // Cleanups wait for the work they guard, not for the response.
  let background: Promise<unknown> = Promise.resolve();
  let leaseRelease: (() => void) | undefined;
  let pixelsRelease: (() => void) | undefined;
  try {
    const leasing = s.models.lease(key, job.modelId, job.apiKey);
    const lease = await untilAborted(leasing, signal).catch((e: unknown) => {
      // The deadline won: the lease may still arrive later, so give it straight back then.
      leasing.then(
        (l) => l.release(),
        () => undefined,
      );
      throw e;
    });
    leaseRelease = lease.release;
    if (lease.coldStart) ctx.coldStarts.push({ m: key, t: (lease.loadMs ?? 0) / 1000 });
    const model = lease.model;
    const autoOrient =
      !job.options.disablePreprocAutoOrient && (model.manifest.adjustments?.autoOrient ?? true);

    const timings = job.sources.map(() => zeroTimings());
    const which =
      (i: number) =>
      (e: unknown): never => {
        throw job.sources.length > 1 ? atImage(e, i, job.sources.length) : e;
      };
    // a reduced-size decode is only for inference: visualisations draw on the full image
    const hint = job.visualize ? undefined : model.decodeHint;
    // Every image is read and its header parsed first, so the batch's decoded pixels are
    // reserved from the server-wide budget (413 / wait / 503) before any of them is decoded.
    const opening = Promise.all(
      job.sources.map(async (src, i) => {
        const t0 = performance.now();
        const pending = await openImageSource(src, s.options, autoOrient, hint).catch(which(i));
        timings[i].decode = performance.now() - t0;
        return pending;
      }),
    );
    background = opening.catch(() => undefined);
    const pending = await untilAborted(opening, signal);
    // a visualised request also holds its JPEG encode (and, with active learning, a drawn copy)
    const pixels = pending.reduce((n, p) => n + p.decodedPixels, 0) * (job.visualize ? 2 : 1);
    pixelsRelease = await s.pixels.acquire(pixels, signal);
    const decoding = Promise.all(
      pending.map(async (p, i) => {
        const t0 = performance.now();
        const image = await p.decode().catch(which(i));
        timings[i].decode += performance.now() - t0;
        return image;
      }),
    );
    background = decoding.catch(() => undefined);
    const images: RgbImage[] = await untilAborted(decoding, signal);
    job.onDecoded?.(images);

    const q0 = performance.now();
    await ticket.slot(signal);
    const queueMs = performance.now() - q0;
    const running = model.inferDecoded(images, job.options, timings).finally(() => ticket.releaseSlot());
    background = running.catch(() => undefined);
    const results = await untilAborted(running, signal);

    for (const t of timings) {
      s.metrics.stage('queue', key, queueMs);
      s.metrics.stage('decode', key, t.decode);
      s.metrics.stage('preprocess', key, t.preprocess);
      s.metrics.stage('infer', key, t.infer);
      s.metrics.stage('postprocess', key, t.postprocess);
    }
    if (!job.visualize) return { results };
    const vis = job.visualize;
    const drawing = Promise.all(
      results.map((r, i) =>
        annotateResult(images[i], r, {
          format: 'jpeg',
          colors: model.manifest.colors,
          strokeWidth: vis.strokeWidth,
          labels: vis.labels,
          // the decoded image is not needed after this unless active learning kept it: no full-size copy
          inPlace: !job.onDecoded,
        }),
      ),
    );
    background = drawing.catch(() => undefined);
    return { results, visualizations: await untilAborted(drawing, signal) };
  } finally {
    clearTimeout(timer);
    const release = leaseRelease;
    const releasePixels = pixelsRelease;
    void background.finally(() => {
      ticket.done();
      release?.();
      releasePixels?.();
    });
  }
}

/** A signal that aborts when the client closes the connection before the reply is complete. */
export function clientGone(reply: { raw: import('node:http').ServerResponse }): AbortSignal {
  const ac = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) {
      ac.abort(new ServerError('SERVER_ERR_CLIENT_CLOSED'));
    }
  });
  return ac.signal;
}
