import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeServer,
  odResponse,
  type Reply,
  registry,
  startFakeServer,
} from '../../test/fake-server.js';
import { InferenceHTTPClient } from './client.js';
import type { InferenceConfigurationInput } from './configuration.js';
import { ConnectionError, HTTPCallError } from './errors.js';

const bytes = (s: string) => new TextEncoder().encode(s);
/** Fast retries for tests; the back-off maths is unit-tested in retry.test.ts. */
const FAST: InferenceConfigurationInput = { retryBackoffMs: 1, retryBackoffMaxMs: 5 };

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** v1 server whose `/infer/*` answers come from `replies` in turn (the last one repeats). */
async function scripted(replies: Reply[]): Promise<FakeServer> {
  let n = 0;
  return startFakeServer((req) => {
    if (req.path === '/model/registry')
      return { json: registry([{ model_id: 'coco/3', task_type: 'object-detection' }]) };
    return replies[Math.min(n++, replies.length - 1)];
  });
}

const inferCalls = (s: FakeServer) => s.requests.filter((r) => r.path.startsWith('/infer/')).length;

async function caught(p: Promise<unknown>): Promise<HTTPCallError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HTTPCallError) return e;
    throw e;
  }
  throw new Error('expected an HTTPCallError');
}

describe('retries', () => {
  it('retries 503 (with Retry-After) then succeeds', async () => {
    server = await scripted([
      {
        status: 503,
        json: { message: 'Model is temporarily not ready - retry request.' },
        headers: { 'retry-after': '1' },
      },
      { status: 503, json: { message: 'again' } },
      { json: odResponse('ok') },
    ]);
    const c = new InferenceHTTPClient({ apiUrl: server.url, configuration: FAST });
    await expect(c.infer(bytes('x'), 'coco/3')).resolves.toEqual(odResponse('ok'));
    expect(inferCalls(server)).toBe(3);
  });

  it('retries 429 and 504 too, and gives up after `retries` tries with the last error', async () => {
    server = await scripted([
      { status: 429, json: { message: 'slow down' } },
      { status: 504, json: { message: 'late' } },
    ]);
    const c = new InferenceHTTPClient({ apiUrl: server.url, configuration: { ...FAST, retries: 4 } });
    const e = await caught(c.infer(bytes('x'), 'coco/3'));
    expect(e.status).toBe(504);
    expect(e.apiMessage).toBe('late');
    expect(inferCalls(server)).toBe(4);
  });

  it('never retries other 4xx/5xx', async () => {
    for (const status of [400, 401, 404, 500]) {
      server = await scripted([
        { status, json: { message: `status ${status}` } },
        { json: odResponse('ok') },
      ]);
      const c = new InferenceHTTPClient({ apiUrl: server.url, configuration: FAST });
      const e = await caught(c.infer(bytes('x'), 'coco/3'));
      expect(e.status).toBe(status);
      expect(inferCalls(server)).toBe(1);
      await server.close();
      server = undefined;
    }
  });

  it('retries connection errors and then throws ConnectionError', async () => {
    server = await startFakeServer(() => ({ json: {} }));
    const url = server.url;
    await server.close();
    server = undefined;
    const c = new InferenceHTTPClient({
      apiUrl: url,
      apiKey: 'secret-key',
      configuration: { ...FAST, retries: 2 },
    });
    let calls = 0;
    const counting = new InferenceHTTPClient({
      apiUrl: url,
      fetch: (u, init) => {
        calls++;
        return fetch(u, init);
      },
      configuration: { ...FAST, retries: 2 },
    });
    await expect(counting.getServerInfo()).rejects.toBeInstanceOf(ConnectionError);
    expect(calls).toBe(2);
    await expect(c.listLoadedModels()).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof ConnectionError &&
        e.message.includes('api_key=***') &&
        !e.message.includes('secret-key'),
    );
  });

  it('a request timeout is a connection error', async () => {
    server = await startFakeServer(
      () => new Promise<Reply>((resolve) => setTimeout(() => resolve({ json: {} }), 500)),
    );
    const c = new InferenceHTTPClient({
      apiUrl: server.url,
      configuration: { requestTimeoutMs: 20, retries: 1 },
    });
    await expect(c.getServerInfo()).rejects.toThrow(/timed out after 20 ms/);
  });
});

describe('error bodies', () => {
  const cases: { name: string; reply: Reply; apiMessage: string }[] = [
    {
      name: '{message}',
      reply: { status: 400, json: { message: 'Invalid Model ID sent in request.' } },
      apiMessage: 'Invalid Model ID sent in request.',
    },
    { name: '{detail: str}', reply: { status: 404, json: { detail: 'Not Found' } }, apiMessage: 'Not Found' },
    {
      name: '{detail: [422 items]}',
      reply: {
        status: 422,
        json: { detail: [{ type: 'missing', loc: ['body', 'model_id'], msg: 'Field required', input: {} }] },
      },
      apiMessage: '[{"type":"missing","loc":["body","model_id"],"msg":"Field required","input":{}}]',
    },
    {
      name: 'inner_error_message',
      reply: { status: 400, json: { message: 'Failed to compile', inner_error_message: 'step x missing' } },
      apiMessage: 'Failed to compile. More details: step x missing',
    },
    { name: 'no message', reply: { status: 400, json: { foo: 1 } }, apiMessage: 'N/A' },
    { name: 'non-JSON', reply: { status: 400, body: 'plain failure' }, apiMessage: 'plain failure' },
  ];
  for (const { name, reply, apiMessage } of cases) {
    it(`parses ${name}`, async () => {
      server = await scripted([reply]);
      const e = await caught(new InferenceHTTPClient({ apiUrl: server.url }).infer(bytes('x'), 'coco/3'));
      expect(e.code).toBe('SDK_ERR_HTTP_CALL');
      expect(e.status).toBe(reply.status);
      expect(e.apiMessage).toBe(apiMessage);
      expect(e.description).toMatch(
        new RegExp(`^${reply.status} .* for POST http://127\\.0\\.0\\.1:\\d+/infer/object_detection$`),
      );
      expect(e.message).toBe(`${e.description}: ${apiMessage}`);
    });
  }

  it('masks the api key in URLs and in echoed bodies', async () => {
    server = await startFakeServer((req) =>
      req.path === '/model/registry'
        ? { status: 401, json: { message: 'Unauthorized api_key' } }
        : { status: 422, json: { detail: [{ type: 'x', loc: ['body'], msg: 'bad', input: req.json }] } },
    );
    const c = new InferenceHTTPClient({ apiUrl: server.url, apiKey: 'super-secret-key' });
    const e1 = await caught(c.listLoadedModels());
    expect(e1.description).toContain('/model/registry?api_key=***');
    expect(e1.message).not.toContain('super-secret-key');
    const hosted = new InferenceHTTPClient({
      apiUrl: 'https://detect.roboflow.com',
      apiKey: 'super-secret-key',
      fetch: (u, init) => fetch(String(u).replace('https://detect.roboflow.com', server!.url), init),
    });
    const e2 = await caught(hosted.infer(bytes('x'), 'coco/3'));
    expect(e2.description).toBe(
      '422 Unprocessable Entity for POST https://detect.roboflow.com/coco/3?api_key=***&disable_active_learning=false',
    );
    const e3 = await caught(c.loadModel('coco/3'));
    expect(e3.apiMessage).toContain('***');
    expect(e3.apiMessage).not.toContain('super-secret-key');
  });
});
