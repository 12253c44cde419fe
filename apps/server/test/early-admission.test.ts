import { Agent, request } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { GatedEngine, testEngineOptions, testServer, until } from './helpers.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';
const KEY = 'server-key';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

/**
 * Starts a POST that declares a 60 MiB body but sends only its first 64 KiB (`head`, padded), and
 * resolves with the answer. A server that read the body before answering would never answer (the
 * test times out).
 */
function answerWhileSending(
  url: string,
  path: string,
  headers: Record<string, string>,
  head = '{"image": "',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(60 * 1024 * 1024) },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(head.padEnd(64 * 1024, 'A'));
  });
}

const post = (url: string, path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

const admitted = (app: FastifyInstance) =>
  app.services.queues.entries().reduce((n, [, q]) => n + q.admitted, 0);

describe('auth before the body is read', () => {
  it('answers 401 while a large unauthenticated body is still being sent (legacy route, wrong Bearer on v1)', async () => {
    const app = await testServer({ apiKeys: [KEY] });
    const url = await listen(app);
    try {
      const legacy = await answerWhileSending(url, '/classifier/1', { 'content-type': 'text/plain' });
      expect(legacy.status).toBe(401);
      expect(JSON.parse(legacy.body)).toEqual({ status: 401, message: 'Unauthorized api_key' });
      // a header key outranks any key in the body: a wrong one settles it before the body
      const v1 = await answerWhileSending(url, '/infer/classification', {
        'content-type': 'application/json',
        authorization: 'Bearer wrong',
      });
      expect(v1.status).toBe(401);
      const wrongQuery = await answerWhileSending(url, '/infer/classification?api_key=wrong', {
        'content-type': 'application/json',
      });
      expect(wrongQuery.status).toBe(401);
      // a body key written before the image (as Roboflow's Python SDK does) is checked as it arrives
      const wrongBodyKey = await answerWhileSending(
        url,
        '/infer/classification',
        { 'content-type': 'application/json' },
        '{"api_key": "wrong", "model_id": "classifier/1", "image": {"type": "base64", "value": "',
      );
      expect(wrongBodyKey.status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('a JSON body with no header key is checked from its raw text before it is parsed', async () => {
    const app = await testServer({ apiKeys: [KEY] });
    const url = await listen(app);
    try {
      // not valid JSON after the key: a parse first would answer 400
      const broken = `{"api_key":"wrong","model_id":"classifier/1","image":{"type":"base64","value":"${PNG}"},`;
      const refused = await post(url, '/infer/classification', broken);
      expect(refused.status).toBe(401);
      const good = { model_id: 'classifier/1', image: { type: 'base64', value: PNG } };
      expect(
        (await post(url, '/infer/classification', JSON.stringify({ ...good, api_key: KEY }))).status,
      ).toBe(200);
      // an escaped member name cannot be read from the raw text: the parsed body decides
      const escaped = JSON.stringify(good).replace('{', `{"api\\u005fkey":"${KEY}",`);
      expect((await post(url, '/infer/classification', escaped)).status).toBe(200);
      expect((await post(url, '/infer/classification', JSON.stringify(good))).status).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('queue admission before the body is read or parsed', () => {
  it('a full queue answers 429 before the body is read (legacy: model id in the URL) or parsed (v1)', async () => {
    const engine = new GatedEngine(testEngineOptions());
    const app = await testServer({ engine, queue: { concurrency: 1, maxQueued: 0 } });
    const url = await listen(app);
    try {
      const good = JSON.stringify({ model_id: 'classifier/1', image: { type: 'base64', value: PNG } });
      const running = post(url, '/infer/classification', good);
      await until(() => engine.waiting === 1, 'the first request at the gate');
      const legacy = await answerWhileSending(url, '/classifier/1', { 'content-type': 'text/plain' });
      expect(legacy.status).toBe(429);
      expect(JSON.parse(legacy.body).message).toMatch(/Too many requests/);
      // v1 with model_id before the image: refused while the upload is still going
      const early = await answerWhileSending(
        url,
        '/infer/classification',
        { 'content-type': 'application/json' },
        '{"model_id": "classifier/1", "image": {"type": "base64", "value": "',
      );
      expect(early.status).toBe(429);
      // v1: the raw body names the model; the invalid JSON after it is never parsed
      const broken = `{"model_id":"classifier/1","image":{"type":"base64","value":"${PNG}"},`;
      const v1 = await post(url, '/infer/classification', broken);
      expect(v1.status).toBe(429);
      expect(v1.headers.get('retry-after')).toBe('1');
      expect(admitted(app)).toBe(1);
      engine.open();
      expect((await running).status).toBe(200);
      // with room, the same broken body is parsed (a JSON error) and its early place is given back
      await until(() => admitted(app) === 0, 'the first request leaving');
      expect([400, 422]).toContain((await post(url, '/infer/classification', broken)).status);
      await until(() => admitted(app) === 0, 'the refused request giving its place back');
    } finally {
      engine.open();
      await app.close();
      await engine.dispose();
    }
  });

  it('a client refused from its body prefix can finish sending and keeps its connection', async () => {
    const engine = new GatedEngine(testEngineOptions());
    const app = await testServer({ engine, queue: { concurrency: 1, maxQueued: 0 } });
    const url = await listen(app);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const running = post(
        url,
        '/infer/classification',
        JSON.stringify({ model_id: 'classifier/1', image: { type: 'base64', value: PNG } }),
      );
      await until(() => engine.waiting === 1, 'the first request at the gate');
      const head = '{"model_id": "classifier/1", "image": {"type": "base64", "value": "'.padEnd(
        64 * 1024,
        'A',
      );
      const rest = `${'A'.repeat(4 * 1024 * 1024)}"}}`;
      const send = () =>
        new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
          const req = request(`${url}/infer/classification`, {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': String(head.length + rest.length),
            },
          });
          req.on('error', reject);
          req.on('response', (res) => {
            res.resume();
            // the answer came after the prefix: the rest is still to be sent, on a connection that stays open
            req.end(rest, () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
          });
          req.write(head);
        });
      const first = await send();
      expect(first.status).toBe(429);
      const second = await send();
      expect(second).toEqual({ status: 429, reused: true });
      engine.open();
      expect((await running).status).toBe(200);
    } finally {
      agent.destroy();
      engine.open();
      await app.close();
      await engine.dispose();
    }
  });

  it('a place taken early is handed to the inference, and given back when the request fails first', async () => {
    const engine = new GatedEngine(testEngineOptions());
    const app = await testServer({ engine, queue: { concurrency: 1, maxQueued: 0 } });
    const url = await listen(app);
    try {
      const res = fetch(`${url}/classifier/1`, { method: 'POST', body: PNG });
      await until(() => engine.waiting === 1, 'the legacy request at the gate');
      // one place in all: the early ticket is the one the inference runs on, not a second admission
      expect(admitted(app)).toBe(1);
      engine.open();
      expect((await res).status).toBe(200);
      await until(() => admitted(app) === 0, 'the place given back');
      // a 422 (bad query) after an early admission gives the place back too
      const bad = await fetch(`${url}/classifier/1?format=nope`, { method: 'POST', body: PNG });
      expect(bad.status).toBe(422);
      await until(() => admitted(app) === 0, 'the refused request giving its place back');
    } finally {
      engine.open();
      await app.close();
      await engine.dispose();
    }
  });
});
