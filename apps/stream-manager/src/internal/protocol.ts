import type { SerializedError } from './errors.js';
import type { PipelineSpec } from './payload.js';
import type { SerialisedResult } from './pipeline-host.js';
import type { JsonObject } from './validate.js';

/**
 * Typed IPC between the manager and one pipeline process (Node's `fork` channel with
 * structured clone, so Buffers travel as bytes). Every request carries an `id` that
 * its reply echoes.
 */
export type WorkerRequest =
  | { type: 'init'; id: number; pipelineId: string; spec: PipelineSpec; workflow: JsonObject | null }
  | { type: 'mute'; id: number }
  | { type: 'resume'; id: number }
  | { type: 'status'; id: number }
  | { type: 'consume'; id: number; excludedFields: string[] }
  | { type: 'preview'; id: number; sourceId: number }
  | { type: 'terminate'; id: number };

/** One source's live figures, for the console and the CLI. */
export interface SourceSummary {
  sourceId: number;
  reference: string;
  state: string;
  fps: number;
  /** End-to-end latency (ms), null before the first frame. */
  latencyMs: number | null;
  framesProcessed: number;
  framesDropped: number;
}

export interface StatusValue {
  /** Roboflow's `PipelineStateReport`. */
  report: Record<string, unknown>;
  state: string;
  sources: SourceSummary[];
  /** Results evicted from the full buffer (oldest first). */
  resultsEvicted: number;
  resultsBuffered: number;
}

export interface ConsumeValue {
  outputs: (Record<string, unknown> | null)[];
  frames_metadata: ({ frame_timestamp: string; frame_id: number; source_id: number } | null)[];
  /** True when a result was returned (resets the consumption timeout). */
  hadData: boolean;
}

export interface PreviewValue {
  frameId: number;
  jpeg: Uint8Array;
}

export type WorkerReply =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: SerializedError };

export type WorkerMessage =
  /** Modules loaded; the process can take an init. */
  | { type: 'ready' }
  /** Every source ended (or the pipeline stopped in ERROR); the state says which. */
  | { type: 'ended'; state: string }
  /** A new result, serialised (the manager buffers results and answers consume itself). */
  | { type: 'result'; result: SerialisedResult }
  /** The pipeline's report, pushed about once a second (the manager answers status from it). */
  | { type: 'status'; value: StatusValue }
  | WorkerReply;
