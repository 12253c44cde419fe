import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the SDK is a sibling package with no dependency on this one: imported by path, for this end-to-end check only
import { HTTPCallError, InferenceHTTPClient } from '../../../packages/sdk/src/index.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia } from '../../../testing/shared.js';
import { StreamManagerHttp } from '../src/internal/http.js';
import { StreamManager } from '../src/internal/manager.js';
import { waitFor, yoloxDir } from './helpers.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

describe.skipIf(!HAS_SHARED)(
  'the TypeScript SDK pipeline methods (named as the Python client, camelCased)',
  () => {
    let root: string;
    let model: string;
    let manager: StreamManager;
    let http: StreamManagerHttp;
    let client: InferenceHTTPClient;

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'stream-sdk-'));
      model = await yoloxDir(root);
      manager = new StreamManager();
      http = new StreamManagerHttp(manager);
      client = new InferenceHTTPClient({ apiUrl: await http.listen(), apiKey: 'some-key' });
    });
    afterAll(async () => {
      await http?.close();
      await manager?.close();
      await rm(root, { recursive: true, force: true });
    });

    it('starts a workflow pipeline, lists, reports, consumes, pauses, resumes and terminates it', async () => {
      const started = await client.startInferencePipelineWithWorkflow({
        videoReference: sharedMedia('example_video.mp4'),
        workflowSpecification: {
          version: '1.0',
          inputs: [
            { type: 'WorkflowImage', name: 'image' },
            { type: 'WorkflowParameter', name: 'model' },
          ],
          steps: [
            { type: 'ObjectDetectionModel', name: 'det', image: '$inputs.image', model_id: '$inputs.model' },
          ],
          outputs: [
            { type: 'JsonField', name: 'predictions', selector: '$steps.det.predictions' },
            { type: 'JsonField', name: 'inference_id', selector: '$steps.det.inference_id' },
          ],
        },
        workflowsParameters: { model },
        maxFps: 15,
        sourceBufferFillingStrategy: 'WAIT',
        sourceBufferConsumptionStrategy: 'LAZY',
      });
      const id = started.context.pipeline_id!;
      expect(started.status).toBe('success');
      expect((await client.listInferencePipelines()).pipelines).toEqual([id]);
      const result = await waitFor(async () => {
        const r = await client.consumeInferencePipelineResult(id, ['predictions']);
        return r.outputs.length > 0 ? r : undefined;
      });
      expect(Object.keys(result.outputs[0]!)).toEqual(['inference_id']);
      expect((await client.getInferencePipelineStatus(id)).report).toHaveProperty('latency_reports');
      expect((await client.pauseInferencePipeline(id)).status).toBe('success');
      expect((await client.resumeInferencePipeline(id)).status).toBe('success');
      expect((await client.terminateInferencePipeline(id)).status).toBe('success');
      const gone = await client.getInferencePipelineStatus(id).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(HTTPCallError);
      expect((gone as HTTPCallError).status).toBe(404);
      expect((gone as HTTPCallError).apiMessage).toMatch(/Could not find InferencePipeline with id=/);
      await expect(client.startInferencePipelineWithWorkflow({ videoReference: 'x' })).rejects.toMatchObject({
        code: 'SDK_ERR_INVALID_PARAMETER',
      });
    });
  },
);
