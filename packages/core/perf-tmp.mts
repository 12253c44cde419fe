import { yolov8Head, decodeYoloV8Candidates } from './src/heads/index.ts';
import { resolveDetectionParams } from './src/postprocess/params.ts';
const C = 80, N = 8400, ch = 4 + C;
const d = new Float32Array(ch * N);
let seed = 1; const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
for (let a = 0; a < N; a++) {
  d[a] = rnd() * 640; d[N + a] = rnd() * 640; d[2 * N + a] = 10 + rnd() * 100; d[3 * N + a] = 10 + rnd() * 100;
  for (let c = 0; c < C; c++) d[(4 + c) * N + a] = rnd() * 0.05;
}
for (let k = 0; k < 150; k++) {
  const a = Math.floor(rnd() * N), o = k % 10;
  d[a] = 50 + o * 55 + rnd() * 4; d[N + a] = 300 + rnd() * 4; d[2 * N + a] = 50; d[3 * N + a] = 80;
  d[(4 + (o * 7) % C) * N + a] = 0.5 + rnd() * 0.45;
}
const outputs = { output0: { data: d, dims: [1, ch, N] } };
const manifest = { task: 'object-detection' as const, family: 'yolov8', weights: '', input: { width: 640, height: 640, resize: 'letterbox' as const }, classes: Array.from({ length: C }, (_, i) => `c${i}`) };
const ctx = { manifest, params: resolveDetectionParams({ confidence: 0.4 }), inputWidth: 640, inputHeight: 640 };
for (let i = 0; i < 300; i++) yolov8Head.decode(outputs, 1, ctx);
const iters = 2000;
const times: number[] = [];
for (let r = 0; r < 5; r++) {
  const t = process.cpuUsage();
  for (let i = 0; i < iters; i++) yolov8Head.decode(outputs, 1, ctx);
  const u = process.cpuUsage(t);
  times.push((u.user + u.system) / iters);
}
console.log(`detections=${yolov8Head.decode(outputs, 1, ctx)[0].length} candidates=${decodeYoloV8Candidates(outputs.output0, 0, C, ctx.params).count}`);
console.log(`full decode CPU µs per run (5 rounds of ${iters}): ${times.map((t) => t.toFixed(0)).join(', ')}; min ${Math.min(...times).toFixed(0)}`);
const ctx2 = { ...ctx, params: resolveDetectionParams({ confidence: 0.01 }) };
let t = performance.now();
for (let i = 0; i < 200; i++) yolov8Head.decode(outputs, 1, ctx2);
console.log(`confidence 0.01: ${(((performance.now() - t) / 200) * 1000).toFixed(0)} µs, ${yolov8Head.decode(outputs, 1, ctx2)[0].length} dets`);
{
  const t = process.cpuUsage();
  for (let i = 0; i < iters; i++) decodeYoloV8Candidates(outputs.output0, 0, C, ctx.params);
  const u = process.cpuUsage(t);
  console.log('candidates only CPU µs', ((u.user + u.system) / iters).toFixed(0));
  const big = new Float32Array(d.length);
  const t2 = process.cpuUsage();
  let s = 0;
  for (let i = 0; i < 200; i++) { for (let j = 0; j < d.length; j++) s += d[j]; }
  const u2 = process.cpuUsage(t2);
  console.log('plain sum over 706k floats CPU µs', ((u2.user + u2.system) / 200).toFixed(0), s > 0, big.length);
}
