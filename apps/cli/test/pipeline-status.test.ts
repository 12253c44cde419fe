import type { PipelineReport, SourceReport } from '@inference-ts/pipeline';
import { describe, expect, it } from 'vitest';
import { STATUS_LEGEND, statusLine } from '../src/internal/commands/pipeline.js';

function report(state: string, source: Partial<SourceReport>): PipelineReport {
  const s: SourceReport = {
    sourceId: 0,
    reference: 'example_video.mp4',
    state: 'RUNNING',
    properties: { width: 426, height: 240, fps: 30, isFile: true, totalFrames: 431 },
    stats: {
      state: 'RUNNING',
      framesDecoded: 431,
      framesDelivered: 431,
      droppedByBuffer: 0,
      droppedByRateLimit: 0,
      droppedWhileMuted: 0,
      droppedAdaptive: 0,
      reconnections: 0,
      connectionFailures: 0,
      measuredFps: 30,
      bufferedFrames: 0,
    },
    latency: { frameDecodingMs: 14_000, inferenceMs: 190, endToEndMs: 15_219 },
    framesProcessed: 388,
    framesDropped: 0,
    reconnections: 0,
    throughputFps: 5.2,
    ...source,
  };
  return { state, sources: [s], inferenceThroughputFps: 5.2, batches: 388, sinkErrors: 0, recentEvents: [] };
}

describe('pipeline status line', () => {
  it('a file whose decoder ended while frames are still in flight is not called ended', () => {
    const line = statusLine(report('RUNNING', { state: 'ENDED' }));
    expect(line).toMatch(/^#0 decoded, 43 in flight /);
    expect(line).not.toMatch(/ended/);
    expect(line).toMatch(/ 90%$|90% \|/);
  });

  it('says ended once every frame went through the sinks', () => {
    const line = statusLine(report('ENDED', { state: 'ENDED', framesProcessed: 431 }));
    expect(line).toMatch(/^#0 ended .* 100%/);
  });

  it('shows the model time beside e2e, and the legend explains both', () => {
    expect(statusLine(report('RUNNING', {}))).toMatch(/e2e 15219ms model 190ms drops 0/);
    expect(STATUS_LEGEND).toMatch(/e2e = mean ms from decoding a frame to every sink done/);
    expect(STATUS_LEGEND).toMatch(/read-ahead buffer/);
  });
});
