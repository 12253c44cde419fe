import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRedactor } from '../src/internal/redact.js';
import { type ChildServer, startChildServer } from './child-server.js';

const KEY = 'sk-Server_Key-12345';
const WRONG = 'sk-Wrong_Key-67890';
const RF_KEY = 'rf-Roboflow_Key-24680';

/** Every byte as %XX, in the given hex case. */
const pct = (s: string, upper = true) =>
  [...Buffer.from(s)]
    .map((b) => `%${b.toString(16).padStart(2, '0')}`)
    .map((h) => (upper ? h.toUpperCase() : h))
    .join('');

/** The ways a key could show up in a log: raw, any case, percent-encoded (both hex cases, partly or fully). */
function leaks(text: string, secret: string): string[] {
  const forms = [
    secret,
    secret.toLowerCase(),
    secret.toUpperCase(),
    encodeURIComponent(secret),
    pct(secret),
    pct(secret, false),
  ];
  // the distinctive middle of the key alone (a half-masked key is still a leak)
  forms.push(secret.slice(3, -3));
  return forms.filter((f) => text.toLowerCase().includes(f.toLowerCase()));
}

/** A TCP port nothing listens on (the "Roboflow API" is unreachable: errors quote the outgoing call). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe('API keys never reach the log, whatever their encoding', () => {
  let server: ChildServer | undefined;
  afterAll(() => server?.kill());

  it('a real server at trace level, keys sent every way: not one log line holds a key', async () => {
    server = await startChildServer({
      SERVER_API_KEYS: KEY,
      ROBOFLOW_API_KEY: RF_KEY,
      API_BASE_URL: `https://127.0.0.1:${await closedPort()}`,
      LOG_LEVEL: 'trace',
    });
    const s = server;
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${s.url}${path}`, { headers }).then((r) => r.status);
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, text: await r.text() }));

    // the name of the query parameter in every spelling fastify decodes to `api_key`
    const authenticated = [
      `/model/registry?api_key=${KEY}`,
      `/model/registry?api%5Fkey=${KEY}`,
      `/model/registry?api%5fkey=${KEY}`,
      `/model/registry?%61pi_key=${KEY}`,
      `/model/registry?${pct('api_key')}=${KEY}`,
      `/model/registry?${pct('api_key', false)}=${KEY}`,
      `/model/registry?api_key=${pct(KEY)}`,
      `/model/registry?api_key=${pct(KEY, false)}`,
      `/model/registry?x=1&api_key=${KEY}&y=2`,
    ];
    for (const path of authenticated) expect(await get(path), path).toBe(200);
    expect(await get('/model/registry', { authorization: `Bearer ${KEY}` })).toBe(200);
    expect(await get('/model/registry', { authorization: `bearer ${pct(KEY)}` })).toBe(401);
    // spellings that do not authenticate are still secrets in the log
    for (const path of [
      `/model/registry?API_KEY=${KEY}`,
      `/model/registry?api-key=${KEY}`,
      `/model/registry?%2561pi_key=${KEY}`,
      `/model/registry?api_key=${WRONG}`,
      `/model/registry;api_key=${KEY}`,
      `/${KEY}/1?api_key=${KEY}`,
    ])
      expect(await get(path), path).toBeGreaterThanOrEqual(400);
    expect(await get('/model/registry', { authorization: `Bearer ${WRONG}` })).toBe(401);

    // body key; the model is fetched from the (unreachable) Roboflow API with the server's Roboflow key
    const image = { type: 'url', value: `https://example.invalid/a.jpg?api_key=${KEY}` };
    const fetched = await post('/infer/object_detection', {
      model_id: 'some-project/1',
      api_key: KEY,
      image,
    });
    expect(fetched.status).toBeGreaterThanOrEqual(400);
    const viaQuery = await post(`/infer/object_detection?api%5Fkey=${KEY}`, { model_id: 'other/2', image });
    expect(viaQuery.status).toBeGreaterThanOrEqual(400);
    // a 422 that echoes the offending field
    const invalid = await post('/infer/object_detection', { model_id: 'x/1', image, api_key: [KEY] });
    expect(invalid.status).toBe(401);
    const echoed = await post(
      '/infer/object_detection',
      { model_id: 7, image, api_key: KEY, confidence: 'high' },
      { authorization: `Bearer ${KEY}` },
    );
    expect(echoed.status).toBe(422);
    expect(leaks(echoed.text, KEY)).toEqual([]);
    for (const r of [fetched, viaQuery]) {
      expect(leaks(r.text, KEY)).toEqual([]);
      expect(leaks(r.text, RF_KEY)).toEqual([]);
    }

    s.child.kill('SIGTERM');
    expect(await s.exited).toEqual({ code: 0, signal: null });
    const log = s.stdout() + s.stderr();
    // the log really has these requests (one line each), with the parameter names kept and values masked
    expect(log.match(/"msg":"request"/g)?.length).toBeGreaterThanOrEqual(authenticated.length + 12);
    expect(log).toContain('api%5Fkey=***');
    expect(log).toMatch(/Roboflow API/);
    expect(leaks(log, KEY)).toEqual([]);
    expect(leaks(log, WRONG)).toEqual([]);
    expect(leaks(log, RF_KEY)).toEqual([]);
  });
});

describe('makeRedactor', () => {
  const r = makeRedactor([KEY]);
  it.each([
    [`/x?api_key=${KEY}`, '/x?api_key=***'],
    [`/x?api%5Fkey=${WRONG}&a=1`, '/x?api%5Fkey=***&a=1'],
    [`/x?%61pi_key=${WRONG}`, '/x?%61pi_key=***'],
    [`/x?%2561pi_key=${WRONG}`, '/x?%2561pi_key=***'],
    [`Authorization: Bearer ${WRONG}`, 'Authorization: Bearer ***'],
    [`{"authorization":"Basic ${WRONG}"}`, '{"authorization":"***"}'],
    [`{"api_key":"${WRONG}","model_id":"a/1"}`, '{"api_key":"***","model_id":"a/1"}'],
    [`the key ${pct(KEY, false)} in a path`, 'the key *** in a path'],
    ['/x?model_id=a/1&confidence=0.5', '/x?model_id=a/1&confidence=0.5'],
  ])('%s', (input, output) => {
    expect(r(input)).toBe(output);
  });
});
