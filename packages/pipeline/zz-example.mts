import { InferencePipeline, jsonlSink, videoFileSink } from '@inference-ts/pipeline';

const pipeline = await InferencePipeline.init({
  videoReference: '/work/shared/media/example_video.mp4',
  model: '/work/shared/models/yolov8n_int8.onnx',
  inferOptions: { confidence: 0.4 },
  track: true,
  maxFps: 1000,
  onPrediction: [videoFileSink('/tmp/ex/people-annotated.mp4'), jsonlSink('/tmp/ex/people.jsonl')],
});
const t0 = Date.now();
await pipeline.start();
await pipeline.join();
console.log(Date.now() - t0, 'ms');
console.log(JSON.stringify({ ...pipeline.report(), recentEvents: undefined }, null, 1));
