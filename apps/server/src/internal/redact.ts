/**
 * The one place secrets are taken out of text that leaves the process (log
 * lines, error bodies). Two nets: parameters whose decoded name is a secret
 * (`api_key`, `api%5Fkey`, `%61pi_key`, `API-KEY`, `token`, ...) keep their
 * name and lose their value, wherever a `name=value` pair appears; and the
 * values the server knows are secret (its own keys, the Roboflow key) are
 * masked wherever they appear, raw or percent-encoded.
 */

const MASK = '***';

/** Parameter names that carry secrets, compared after decoding, lower case, `-` as `_`. */
const SECRET_NAMES = new Set([
  'api_key',
  'apikey',
  'key',
  'token',
  'access_token',
  'secret',
  'service_secret',
  'password',
]);

/** Lenient percent-decoding: a malformed escape stays as it is instead of failing the whole string. */
function decodeLoose(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  }
}

/** True when a (possibly percent-encoded) parameter name names a secret. */
export function isSecretName(name: string): boolean {
  // decoded twice: `%2561pi_key` is `api_key` to a server that decodes twice
  const once = decodeLoose(name);
  const norm = (s: string) => s.trim().toLowerCase().replace(/-/g, '_');
  return SECRET_NAMES.has(norm(once)) || SECRET_NAMES.has(norm(decodeLoose(once)));
}

/** `name=value` pairs after `?`, `&` or `;` (query strings, also inside longer text and JSON strings). */
const PARAM_RE = /([?&;])([^=&;#\s"'?\\]+)=([^&;#\s"'\\]*)/g;
/** `Authorization: Bearer x`, `Basic x`, and `"authorization":"..."` in serialized headers. */
const AUTH_RE = /\b(Bearer|Basic|Token)(\s+)[^\s"',;]+/gi;
const AUTH_HEADER_RE = /("authorization"\s*:\s*")[^"]*/gi;
/** `"api_key":"..."` in serialized JSON (a body or an object logged whole). */
const JSON_FIELD_RE = /"([^"\\]{1,40})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

/** The escapings a secret value could travel in: raw, percent-encoded (any case), and JSON-escaped. */
function variants(secret: string): string[] {
  const enc = encodeURIComponent(secret);
  const every = [...Buffer.from(secret, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  return [
    ...new Set([
      secret,
      enc,
      enc.toLowerCase(),
      every,
      every.toUpperCase(),
      JSON.stringify(secret).slice(1, -1),
    ]),
  ].filter((v) => v.length > 0);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A function that masks secrets in text; `secrets` are values known to be secret. */
export type Redactor = (text: string) => string;

/**
 * Builds a redactor for the given known secrets (empty strings ignored). The
 * name-based rules apply whatever the secrets are.
 *
 * @example
 * const r = makeRedactor(['s3cret']);
 * r('GET /model/registry?api%5Fkey=s3cret') // 'GET /model/registry?api%5Fkey=***'
 */
export function makeRedactor(secrets: readonly (string | undefined)[] = []): Redactor {
  const known = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4))];
  const all = known.flatMap(variants).sort((a, b) => b.length - a.length);
  const valueRe = all.length > 0 ? new RegExp(all.map(escapeRe).join('|'), 'gi') : undefined;
  return (text: string): string => {
    let out = text
      .replace(PARAM_RE, (m, sep: string, name: string) => (isSecretName(name) ? `${sep}${name}=${MASK}` : m))
      .replace(AUTH_HEADER_RE, `$1${MASK}`)
      .replace(AUTH_RE, `$1$2${MASK}`)
      .replace(JSON_FIELD_RE, (m, name: string, colon: string) =>
        isSecretName(name) ? `"${name}"${colon}"${MASK}"` : m,
      );
    if (valueRe) out = out.replace(valueRe, MASK);
    return out;
  };
}

/** Name-based redaction only (no known secrets): for URLs and messages outside a server's logger. */
export const redactText: Redactor = makeRedactor();

/** A URL (or path with query) with every secret parameter's value masked. */
export function redactUrl(url: string): string {
  return redactText(url);
}
