import { describe, expect, it } from 'vitest';
import { readJsonBody } from './json-body.js';

/** Deterministic base64 text of `n` bytes. */
function b64(n: number, seed = 1): string {
  const bytes = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes.toString('base64');
}

/** What JSON.parse makes of the whole text: the value, or 'throws'. */
function reference(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return 'throws';
  }
}

function read(body: Buffer): unknown {
  try {
    return readJsonBody(body).parse();
  } catch {
    return 'throws';
  }
}

const IMAGE = b64(90_000);

describe('readJsonBody', () => {
  it('cuts long base64 "value" strings out of the text and puts them back after parsing', () => {
    const body = Buffer.from(
      JSON.stringify({
        model_id: 'coco/3',
        image: [
          { type: 'base64', value: IMAGE },
          { type: 'base64', value: b64(50_000, 7) },
        ],
      }),
    );
    const json = readJsonBody(body);
    expect(json.text).toBe(
      '{"model_id":"coco/3","image":[{"type":"base64","value":""},{"type":"base64","value":""}]}',
    );
    expect(json.parse()).toEqual(JSON.parse(body.toString()));
  });

  it('parses everything else as JSON.parse does: small bodies, escapes, other strings, keys, bad JSON', () => {
    const bodies = [
      `{"model_id":"a/1","image":{"type":"base64","value":"${IMAGE}"}}`,
      `{ "image" : { "value"  :\n "${IMAGE}" , "type":"base64"}, "confidence": 0.4 }`,
      `{"model_id":"a/1","image":{"type":"base64","value":"${IMAGE}"},"note":"a \\"quoted\\" word"}`,
      `{"image":{"type":"url","value":"${IMAGE}é"}}`, // not base64: stays in the text
      `{"value":{"${IMAGE}":1}}`, // a long key is never cut
      `{"image":{"value":"${IMAGE}"}, "value":"${IMAGE}"}`,
      `["value", "${IMAGE}"]`,
      `{"image":{"value":"${IMAGE}"}`, // unterminated object
      `{"image":{"value":"${IMAGE}`, // unterminated string
      `{"image":{"value":"${IMAGE.slice(0, 40_000)}\n${IMAGE.slice(40_000)}"}}`, // raw newline: invalid JSON
      `{"image":{"value":"${IMAGE}"},}`, // trailing comma
      `{"image":{"value":"${IMAGE}" "x"}}`,
      `{"image":{"value":"${IMAGE}":"x"}}`,
      `{"image":{"value""${IMAGE}"}}`,
      `{"image":{"xvalue":"${IMAGE}"}}`,
      `{"image":{"value":"\u0000${IMAGE}"}}`,
      `  "${IMAGE}"  `,
      `{"__proto__":{"value":"${IMAGE}"},"image":{"value":"${IMAGE}"}}`,
      '{"model_id":"tiny","image":{"type":"base64","value":"aGVsbG8="}}',
      '   ',
    ];
    for (const text of bodies) {
      const body = Buffer.from(text);
      expect(read(body), text.slice(0, 60)).toEqual(reference(body));
    }
  });

  it('agrees with JSON.parse on randomly damaged bodies', () => {
    const template = `{"model_id":"a/1","api_key":"k","image":[{"type":"base64","value":"${IMAGE}"},{"type":"base64","value":"${b64(70_000, 3)}"}],"confidence":0.5}`;
    const noise = ['"', ':', ',', '{', '}', '[', ']', ' ', '\n', '\\', 'x', '\u0000', 'é', '"value":'];
    let x = 42;
    const next = (n: number) => {
      x = (x * 1103515245 + 12345) >>> 0;
      return x % n;
    };
    for (let round = 0; round < 300; round++) {
      let text = template;
      for (let k = 1 + next(3); k > 0; k--) {
        // damage near the structure (where it matters), sometimes inside the base64
        const at =
          next(4) === 0
            ? next(text.length)
            : [next(60), text.length - next(60), text.indexOf('"value"') + next(12)][next(3)];
        text =
          next(2) === 0
            ? text.slice(0, at) + noise[next(noise.length)] + text.slice(at)
            : text.slice(0, at) + text.slice(at + 1);
      }
      const body = Buffer.from(text);
      expect(read(body)).toEqual(reference(body));
    }
  });
});
