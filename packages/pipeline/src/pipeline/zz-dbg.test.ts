import { InferenceEngine, encodeImage } from '@inference-ts/core';
import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { VideoSource } from '../sources/video-source.js';

it('dbg', async () => {
  const engine = new InferenceEngine();
  const model = await engine.getModel('/work/shared/models/yolov8n_int8.onnx');
  const src = await VideoSource.create('/work/shared/media/example_video.mp4');
  await src.start();
  let f;
  for (let i = 0; i < 100; i++) f = await src.read();
  await src.terminate();
  writeFileSync('/tmp/frame100.jpg', await encodeImage(f!.image, 'jpeg', 90));
  const [r] = await model.inferDecoded([f!.image], { confidence: 0.1 });
  console.log('decoded', (r as any).predictions.map((p: any) => p.class + p.confidence));
  const r2 = await model.infer('/tmp/frame100.jpg', { confidence: 0.1 });
  console.log('jpeg', (r2 as any).predictions.map((p: any) => p.class + p.confidence));
  const r3 = await model.infer('/work/shared/media/dog.jpg', { confidence: 0.3 });
  console.log('dog', (r3 as any).predictions.map((p: any) => p.class + p.confidence));
  await engine.dispose();
}, 60000);
