import { Detections, InferenceEngine } from '@inference-ts/core';
import { describe, expect, it } from 'vitest';
import { compileWorkflow } from '../compile.js';
import type { FieldValue, FrameScope, VideoMetadata } from '../types.js';

const box = (y: number, id = 7) =>
  new Detections({
    xyxy: new Float32Array([40, y, 50, y + 10]),
    confidence: new Float32Array([0.9]),
    classId: new Int32Array([0]),
    trackerId: new Int32Array([id]),
    data: { className: ['person'], detectionId: [`d${y}`] },
    metadata: { imageWidth: 100, imageHeight: 100 },
  });

const meta = (frame: number): VideoMetadata => ({
  video_identifier: '0',
  frame_number: frame,
  frame_timestamp: new Date(1_700_000_000_000 + frame * 100),
  fps: 10,
  measured_fps: 10,
  comes_from_video_file: true,
});

/** Runs one compiled step over frames whose `$inputs.dets` are the given detections. */
async function runStep(
  step: Record<string, unknown>,
  frames: Detections[],
): Promise<Record<string, unknown>[]> {
  const w = compileWorkflow({
    version: '1.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowVideoMetadata', name: 'video_metadata' },
      { type: 'WorkflowParameter', name: 'dets' },
    ],
    steps: [step],
    outputs: [],
  });
  const s = w.steps[0];
  const engine = new InferenceEngine();
  const runner = await s.block.create(s.version, s, { engine, apiKey: undefined, constant: () => undefined });
  const read = (scope: FrameScope, field: string) => {
    const f: FieldValue | undefined = s.fields[field];
    if (!f) return undefined;
    if (f.kind === 'literal') return f.value;
    if (f.kind === 'input') return scope.inputs[f.name];
    return undefined;
  };
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < frames.length; i++) {
    const scope: FrameScope = {
      inputs: { dets: frames[i], video_metadata: meta(i + 1) },
      steps: {},
      metadata: meta(i + 1),
    };
    out.push((await runner.run([scope], read))[0]);
  }
  await engine.dispose();
  return out;
}

describe('line_counter and time_in_zone adapters', () => {
  it('line_counter v2 counts a tracked box crossing upwards as "in", with this frame\'s crossers', async () => {
    const out = await runStep(
      {
        type: 'roboflow_core/line_counter@v2',
        name: 'line',
        image: '$inputs.image',
        detections: '$inputs.dets',
        line_segment: [
          [0, 50],
          [100, 50],
        ],
      },
      [box(70), box(20), box(20)],
    );
    expect(out.map((o) => [o.count_in, o.count_out])).toEqual([
      [0, 0],
      [1, 0],
      [1, 0],
    ]);
    expect((out[1].detections_in as Detections).length).toBe(1);
    expect((out[2].detections_in as Detections).length).toBe(0);
  });

  it('line_counter v1 (centre anchor, metadata field) counts the way back as "out"', async () => {
    const out = await runStep(
      {
        type: 'roboflow_core/line_counter@v1',
        name: 'line',
        metadata: '$inputs.video_metadata',
        detections: '$inputs.dets',
        line_segment: [
          [0, 50],
          [100, 50],
        ],
      },
      [box(20), box(70)],
    );
    expect(out[1]).toEqual({ count_in: 0, count_out: 1 });
  });

  it('time_in_zone v2 times a tracked box from frame numbers and drops those outside', async () => {
    const out = await runStep(
      {
        type: 'roboflow_core/time_in_zone@v2',
        name: 'zone',
        image: '$inputs.image',
        detections: '$inputs.dets',
        zone: [
          [0, 0],
          [100, 0],
          [100, 40],
          [0, 40],
        ],
      },
      [box(10), box(15), box(25), box(70)],
    );
    const times = out.map((o) => (o.timed_detections as Detections).data.timeInZone);
    expect(times[0]).toEqual([0]);
    expect(times[1]?.[0]).toBeCloseTo(0.1, 5);
    expect(times[2]?.[0]).toBeCloseTo(0.2, 5);
    expect((out[3].timed_detections as Detections).length).toBe(0); // left the zone: removed
  });
});
