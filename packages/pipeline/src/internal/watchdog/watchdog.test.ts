import { describe, expect, it } from 'vitest';
import { FpsMonitor, RollingMean } from '../sources/monitors.js';
import type { VideoFrame } from '../types.js';
import { statusEvent } from './events.js';
import { toRoboflowReport } from './roboflow-report.js';
import { PipelineWatchdog } from './watchdog.js';

function frame(sourceId: number, frameId: number, decodedAt: number): VideoFrame {
  return {
    image: { data: new Uint8Array(3), width: 1, height: 1 },
    frameId,
    frameTimestamp: 0,
    sourceId,
    fps: 30,
    decodedAt,
  };
}

describe('monitors', () => {
  it('RollingMean keeps the last N values', () => {
    const m = new RollingMean(3);
    expect(m.mean()).toBeNull();
    for (const v of [100, 1, 2, 3]) m.push(v);
    expect(m.mean()).toBe(2);
  });

  it('FpsMonitor measures ticks over its window', () => {
    const f = new FpsMonitor(5);
    expect(f.fps()).toBe(0);
    for (let i = 0; i < 20; i++) f.tick(i * 100); // 10 fps
    expect(f.fps()).toBeCloseTo(10);
    f.tick(1950); // window now 1600..1950 wait: ticks 1600,1700,1800,1900,1950
    expect(f.fps()).toBeCloseTo(4000 / 350);
  });
});

describe('PipelineWatchdog', () => {
  it('reports per-source latencies, throughput, drops and recent events', () => {
    const w = new PipelineWatchdog();
    for (let k = 0; k < 10; k++) {
      const t = k * 100;
      const batch = [frame(0, k + 1, t), frame(1, k + 1, t + 10)];
      w.onInferenceStarted(batch, t + 20);
      w.onPredictionReady(batch, t + 50);
      w.onSinkDone(batch, t + 60);
    }
    w.onStatusUpdate(
      statusEvent('FRAME_DROPPED', 'debug', 'video_source.video_consumer', { source_id: 1, frame_id: 3 }),
    );
    w.onStatusUpdate(
      statusEvent('FRAME_DROPPED', 'debug', 'video_source.video_consumer', { source_id: 1, frame_id: 4 }),
    );
    w.onStatusUpdate(statusEvent('SOURCE_RECONNECTING', 'warning', 'video_source', { source_id: 0 }));
    w.onStatusUpdate(
      statusEvent('INFERENCE_RESULTS_DISPATCHING_ERROR', 'error', 'inference_results_dispatching', {}),
    );
    const r = w.report([{ sourceId: 0, reference: 'a.mp4', state: 'RUNNING' }], 'RUNNING');
    expect(r.sources.map((s) => s.sourceId)).toEqual([0, 1]);
    const [s0, s1] = r.sources;
    expect(s0.latency).toEqual({ frameDecodingMs: 20, inferenceMs: 30, endToEndMs: 60 });
    expect(s1.latency).toEqual({ frameDecodingMs: 10, inferenceMs: 30, endToEndMs: 50 });
    expect(s0.framesProcessed).toBe(10);
    expect(s0.throughputFps).toBeCloseTo(10);
    expect(s1.framesDropped).toBe(2);
    expect(s0.reconnections).toBe(1);
    expect(s0.reference).toBe('a.mp4');
    expect(r.batches).toBe(10);
    expect(r.sinkErrors).toBe(1);
    // two frames per 100 ms
    expect(r.inferenceThroughputFps).toBeCloseTo(20);
    // debug events are counted but not kept
    expect(r.recentEvents.map((e) => e.type)).toEqual([
      'SOURCE_RECONNECTING',
      'INFERENCE_RESULTS_DISPATCHING_ERROR',
    ]);
    const wire = toRoboflowReport(r);
    expect(wire.latency_reports[0]).toEqual({
      source_id: 0,
      frame_decoding_latency: 0.02,
      inference_latency: 0.03,
      e2e_latency: 0.06,
    });
    expect(wire.video_source_status_updates[0]).toMatchObject({
      severity: 'WARNING',
      event_type: 'SOURCE_RECONNECTING',
      context: 'video_source',
    });
    expect(wire.sources_metadata[0]).toMatchObject({
      source_id: 0,
      source_reference: 'a.mp4',
      state: 'RUNNING',
      source_properties: null,
    });
  });

  it('bounds the event history', () => {
    const w = new PipelineWatchdog({ eventHistory: 3 });
    for (let i = 0; i < 10; i++)
      w.onStatusUpdate(statusEvent('SOURCE_ERROR', 'error', 'video_source', { n: i }));
    expect(w.report([], 'ENDED').recentEvents.map((e) => e.payload.n)).toEqual([7, 8, 9]);
  });
});
