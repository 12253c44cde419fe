import sharp from 'sharp';
import { it } from 'vitest';
import { OcrModel } from './index.js';
it('bench', async () => {
  for (const threads of [undefined, 1]) {
    const ocr = await OcrModel.load({ intraOpThreads: threads });
    for (const f of ['multi_line_text.jpg', 'license_plate.jpg']) {
      const { data, info } = await sharp(`/work/shared/media/${f}`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const img = { data: new Uint8Array(data), width: info.width, height: info.height };
      for (let k = 0; k < 3; k++) await ocr.recognize(img);
      const totals: number[] = [];
      const cpu: number[] = [];
      const parts: number[][] = [];
      for (let k = 0; k < 10; k++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const r = await ocr.recognize(img);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        totals.push(performance.now() - t0);
        parts.push([r.timings.det, r.timings.cls, r.timings.rec]);
      }
      const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1].toFixed(1);
      console.log('BENCH', f, 'threads', threads ?? 'default', 'median total', med(totals), 'det', med(parts.map((p) => p[0])), 'cls', med(parts.map((p) => p[1])), 'rec', med(parts.map((p) => p[2])), 'cpu', med(cpu), 'min', Math.min(...totals).toFixed(1));
    }
    await ocr.dispose();
  }
});
