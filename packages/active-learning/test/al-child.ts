// A real child process for the SIGKILL test: `register <n>` fills the outbox and
// then delivers (the parent kills it mid-upload); `deliver` drains and exits.
import { ActiveLearning } from '../src/internal/active-learning.js';
import { config, detection, image } from './helpers.js';

const [dir, apiUrl, apiKey, mode, n] = process.argv.slice(2);
const opts = {
  dir,
  apiUrl,
  apiKey,
  config: config(),
  delivery: { baseDelayMs: 20, maxDelayMs: 100, pollMs: 50, concurrency: 1 },
};

if (mode === 'register') {
  const filling = await ActiveLearning.open({ ...opts, delivery: { ...opts.delivery, autoStart: false } });
  for (let i = 0; i < Number(n); i++) {
    const out = await filling.register({
      image: image(1000 + i),
      prediction: detection(),
      predictionType: 'object-detection',
      modelId: 'coco/3',
    });
    if (out !== 'accepted') throw new Error(`datapoint ${i}: ${out}`);
  }
  await filling.close();
  process.stdout.write(`accepted ${n}\n`);
  // deliver until killed
  await ActiveLearning.open(opts);
  setInterval(() => undefined, 1000);
} else {
  const al = await ActiveLearning.open(opts);
  while (al.status().outbox.pending > 0) await new Promise((r) => setTimeout(r, 20));
  process.stdout.write(`done ${JSON.stringify(al.counters)}\n`);
  await al.close();
}
