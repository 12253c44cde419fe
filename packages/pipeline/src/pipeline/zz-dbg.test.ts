import { InferenceEngine } from '@inference-ts/core';
import { it } from 'vitest';
import { InferencePipeline } from './inference-pipeline.js';

it('dbg', async () => {
  const engine = new InferenceEngine();
  const model = await engine.getModel('/work/shared/models/yolov8n_int8.onnx');
  const counts: string[] = [];
  const pipeline = await InferencePipeline.init<any>({
    videoReference: '/work/shared/media/example_video.mp4',
    model, maxFps: 1000, inferOptions: { confidence: 0.1 },
    sourceOptions: {},
    onPrediction: ([p], [f]) => { if (f!.frameId % 20 === 0) counts.push(`${f!.frameId}:${p.detections.length}:${p.predictions.map((x: any) => x.class + x.confidence).join(',')}`); },
  });
  await pipeline.start();
  await pipeline.join();
  console.log(counts.join('\n'));
  await engine.dispose();
}, 60000);
