/** A JSON request body as the parser reads it. */
export interface JsonBody {
  /** The body text, with the content of every cut-out value emptied: what the raw-text scans read. */
  readonly text: string;
  /** `JSON.parse` of the whole body (throws what it throws), the cut-out values in their places. */
  parse(): unknown;
}

/** Bodies smaller than this are parsed as they are. */
const MIN_BODY_BYTES = 64 * 1024;
/** `"value"` strings at least this long are cut out. */
const MIN_CUT_BYTES = 4096;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const VALUE_MEMBER = Buffer.from('"value"', 'latin1');

/** Bytes of the base64 alphabets (standard and URL-safe) and its padding: ASCII, none to escape in JSON. */
const BASE64_BYTE = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_')
  BASE64_BYTE[c.charCodeAt(0)] = 1;

const isJsonSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function onlyBase64(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (BASE64_BYTE[b[i]] === 0) return false;
  return true;
}

/** True when the string starting at the quote `open` is the value of a `"value"` member, not a key. */
function isValueMember(b: Buffer, open: number, close: number): boolean {
  let j = open - 1;
  while (j >= 0 && isJsonSpace(b[j])) j--;
  if (b[j] !== COLON) return false;
  j--;
  while (j >= 0 && isJsonSpace(b[j])) j--;
  if (j < VALUE_MEMBER.length - 1 || b.compare(VALUE_MEMBER, 0, VALUE_MEMBER.length, j - 6, j + 1) !== 0)
    return false;
  let k = close + 1;
  while (k < b.length && isJsonSpace(b[k])) k++;
  return b[k] !== COLON;
}

/**
 * Reads a JSON body without turning its image data into one more string:
 * parsing the whole text would hold every base64 image twice on the V8 heap
 * (the body text and the parsed value), and that churn of large strings is
 * what sets off the server's major garbage collections. When the body has
 * no backslash (so every quote opens or closes a string), the contents of
 * long `"value"` strings written only in the base64 alphabet are cut out,
 * the short rest is parsed, and each cut-out value is put back as one
 * string made from the body bytes. The tokens are the same as in the whole
 * text, so what parses (or fails) and the result are the same as
 * `JSON.parse(body.toString('utf8'))`; other bodies are parsed that way.
 *
 * @example readJsonBody(Buffer.from('{"image":{"type":"base64","value":"..."}}')).parse()
 */
export function readJsonBody(body: Buffer): JsonBody {
  if (body.length < MIN_BODY_BYTES || body.indexOf(BACKSLASH) !== -1) return whole(body);
  const cuts: number[] = []; // start, end of each cut content
  for (let open = body.indexOf(QUOTE); open !== -1; ) {
    const close = body.indexOf(QUOTE, open + 1);
    if (close === -1) break; // unterminated: JSON.parse says so
    if (
      close - open - 1 >= MIN_CUT_BYTES &&
      isValueMember(body, open, close) &&
      onlyBase64(body, open + 1, close)
    )
      cuts.push(open + 1, close);
    open = body.indexOf(QUOTE, close + 1);
  }
  if (cuts.length === 0) return whole(body);
  const pieces: string[] = [];
  for (let i = 0, from = 0; i <= cuts.length; i += 2) {
    pieces.push(body.toString('utf8', from, i < cuts.length ? cuts[i] : body.length));
    from = cuts[i + 1];
  }
  return {
    text: pieces.join(''),
    parse() {
      // the placeholder "\u0000<n>": a string no body without backslashes can hold
      let text = pieces[0];
      for (let n = 1; n < pieces.length; n++) text += `\\u0000${n - 1}${pieces[n]}`;
      return putBack(JSON.parse(text), (n) => body.toString('latin1', cuts[2 * n], cuts[2 * n + 1]));
    },
  };
}

function whole(body: Buffer): JsonBody {
  const text = body.toString('utf8');
  return { text, parse: () => JSON.parse(text) };
}

/** Replaces each placeholder string in `root` (any depth, no recursion) with its value. */
function putBack(root: unknown, value: (n: number) => string): unknown {
  const isPlaceholder = (v: unknown): v is string => typeof v === 'string' && v.charCodeAt(0) === 0;
  if (isPlaceholder(root)) return value(Number(root.slice(1)));
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    const rec = node as Record<string, unknown>; // arrays too: their indices are keys
    for (const k of Object.keys(rec)) {
      const v = rec[k];
      if (isPlaceholder(v)) rec[k] = value(Number(v.slice(1)));
      else if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
  return root;
}
