import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImage } from '@inference-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../testing/onnx-builder.js';
import { parseInitPayload } from '../src/internal/payload.js';
import { PipelineHost } from '../src/internal/pipeline-host.js';
import { waitFor } from './helpers.js';

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasFfmpeg)('the preview of a model pipeline (frame buffers are recycled)', () => {
  let root: string;
  let video: string;
  let model: string;
  const host = new PipelineHost({ sessionThread: false });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stream-preview-'));
    // frame n (from 0) is a flat grey of level (8 n) mod 256: a preview's brightness names its frame
    video = join(root, 'grey.mkv');
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
      ...['-i', 'color=c=black:s=64x48:r=25,format=gray,geq=lum=mod(N*8\\,256)', '-frames:v', '3000'],
      ...['-c:v', 'ffv1', '-pix_fmt', 'gray', video],
    ]);
    model = join(root, 'cls');
    mkdirSync(model);
    writeFileSync(
      join(model, 'model.onnx'),
      constantOutputModel(
        { name: 'images', shape: [1, 3, 16, 16] },
        { logits: { dims: [1, 2], data: [1, 0] } },
      ),
    );
    writeFileSync(
      join(model, 'inference.json'),
      JSON.stringify({
        weights: 'model.onnx',
        task: 'classification',
        family: 'classification',
        input: { width: 16, height: 16, resize: 'stretch' },
        classes: ['a', 'b'],
      }),
    );
  });
  afterAll(async () => {
    await host.terminate();
    await rm(root, { recursive: true, force: true });
  });

  it('shows the frame it names while later frames keep arriving', async () => {
    await host.init(
      parseInitPayload({
        video_configuration: {
          type: 'VideoConfiguration',
          video_reference: video,
          source_buffer_filling_strategy: 'WAIT',
          source_buffer_consumption_strategy: 'LAZY',
          decoding_buffer_size: 2,
        },
        processing_configuration: { type: 'ModelConfiguration', model_id: model },
      }),
      null,
    );
    await waitFor(() => host.status().sources[0]?.framesProcessed > 50, 30_000, 'frames');
    for (let i = 0; i < 5; i++) {
      const preview = await host.preview(0);
      expect(preview).not.toBeNull();
      const image = await loadImage(preview!.jpeg);
      let sum = 0;
      for (const v of image.data) sum += v;
      const level = sum / image.data.length;
      expect(Math.abs(level - (((preview!.frameId - 1) * 8) % 256))).toBeLessThan(3);
      const before = host.status().sources[0].framesProcessed;
      await waitFor(() => host.status().sources[0].framesProcessed > before + 3, 30_000, 'more frames');
    }
  });
});
