import type { Ticket } from '../services/queue.js';

/**
 * A queue place taken before the request body was parsed (the model id came
 * from the URL, or from a scan of the raw JSON). `runInference` takes it over;
 * a request that ends another way (an error, a hang-up) gives it back.
 */
export class EarlyAdmission {
  readonly key: string;
  #ticket: Ticket | undefined;

  constructor(key: string, ticket: Ticket) {
    this.key = key;
    this.#ticket = ticket;
  }

  /** The ticket, when `key` is the model it was taken for; otherwise the place is given back. */
  take(key: string): Ticket | undefined {
    const t = this.#ticket;
    this.#ticket = undefined;
    if (t && key !== this.key) {
      t.done();
      return undefined;
    }
    return t;
  }

  /** Gives the place back unless it was taken (idempotent). */
  release(): void {
    this.#ticket?.done();
    this.#ticket = undefined;
  }
}

/**
 * The values of every `"name": "<string>"` member in raw JSON text, at any
 * depth, without parsing it; `undefined` when the text holds a backslash, as
 * escapes could spell the name or the value differently (the caller then
 * waits for the real parse). Without escapes a JSON string cannot contain a
 * quote, so every such member is found and nothing else is.
 *
 * @example scanStringMembers('{"model_id":"coco/3","image":{}}', 'model_id') // ['coco/3']
 */
export function scanStringMembers(text: string, name: string): string[] | undefined {
  if (text.includes('\\')) return undefined;
  const token = `"${name}"`;
  const found: string[] = [];
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + token.length)) {
    let i = at + token.length;
    while (isSpace(text.charCodeAt(i))) i++;
    if (text[i] !== ':') continue; // a string value that happens to be the name
    i++;
    while (isSpace(text.charCodeAt(i))) i++;
    if (text[i] !== '"') continue; // not a string value
    const end = text.indexOf('"', i + 1);
    if (end < 0) break;
    found.push(text.slice(i + 1, end));
  }
  return found;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
