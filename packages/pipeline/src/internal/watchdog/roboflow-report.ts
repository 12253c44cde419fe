import type { SourceAnalyticsTotals } from '../analytics/frame-analytics.js';
import type { StatusEvent } from './events.js';
import type { PipelineReport } from './watchdog.js';

/** Roboflow's `PipelineStateReport` JSON (what its stream manager's `status` command returns). */
export interface RoboflowPipelineReport {
  video_source_status_updates: {
    timestamp: string;
    severity: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
    event_type: string;
    payload: Record<string, unknown>;
    context: string;
  }[];
  latency_reports: {
    source_id: number;
    /** Seconds, or null without data. */
    frame_decoding_latency: number | null;
    inference_latency: number | null;
    e2e_latency: number | null;
  }[];
  inference_throughput: number;
  sources_metadata: {
    source_id: number;
    source_reference: string;
    state: string;
    buffer_size: number | null;
    buffer_filling_strategy: string | null;
    buffer_consumption_strategy: string | null;
    source_properties: {
      width: number;
      height: number;
      total_frames: number;
      is_file: boolean;
      fps: number;
    } | null;
  }[];
  /** Not in Roboflow's report: line/zone totals per source, when the pipeline has analytics. */
  analytics?: SourceAnalyticsTotals[];
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

function event(e: StatusEvent): RoboflowPipelineReport['video_source_status_updates'][number] {
  return {
    timestamp: new Date(e.timestamp).toISOString(),
    severity: e.severity.toUpperCase() as 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR',
    event_type: e.type,
    payload: e.payload,
    context: e.context,
  };
}

/**
 * A {@link PipelineReport} in Roboflow's wire shape (snake_case, latencies in seconds),
 * for servers that speak Roboflow's stream-manager protocol.
 * @example
 * toRoboflowReport(pipeline.report()).latency_reports[0]   // { source_id: 0, frame_decoding_latency: 0.012, ... }
 */
export function toRoboflowReport(report: PipelineReport): RoboflowPipelineReport {
  return {
    video_source_status_updates: report.recentEvents.map(event),
    latency_reports: report.sources.map((s) => ({
      source_id: s.sourceId,
      frame_decoding_latency: seconds(s.latency.frameDecodingMs),
      inference_latency: seconds(s.latency.inferenceMs),
      e2e_latency: seconds(s.latency.endToEndMs),
    })),
    inference_throughput: report.inferenceThroughputFps,
    sources_metadata: report.sources.map((s) => ({
      source_id: s.sourceId,
      source_reference: s.reference,
      state: s.state,
      buffer_size: s.bufferSize ?? null,
      buffer_filling_strategy: s.fillingStrategy ?? null,
      buffer_consumption_strategy: s.consumptionStrategy ?? null,
      source_properties: s.properties
        ? {
            width: s.properties.width,
            height: s.properties.height,
            total_frames: s.properties.totalFrames ?? 0,
            is_file: s.properties.isFile,
            fps: s.properties.fps,
          }
        : null,
    })),
    ...(report.analytics ? { analytics: report.analytics } : {}),
  };
}
