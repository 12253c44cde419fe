import { readFileSync } from 'node:fs';

/**
 * The keys in a keys file: one per line; blank lines and lines starting with
 * `#` are skipped, surrounding spaces trimmed. A file is the safe way to hand
 * keys to the server: unlike a command-line flag, it is not visible in `ps`.
 * Throws a clear error when the file cannot be read or holds no key.
 *
 * @example readApiKeysFile('/run/secrets/server-api-keys') // ['k1', 'k2']
 */
export function readApiKeysFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the API keys file ${path}: ${(e as Error).message}`);
  }
  const keys = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (keys.length === 0) throw new Error(`the API keys file ${path} holds no key (one key per line)`);
  return keys;
}

/** SERVER_API_KEYS (comma list) and SERVER_API_KEYS_FILE (one key per line) together; undefined when neither is set. */
export function apiKeysFromEnv(env: Record<string, string | undefined>): string[] | undefined {
  const listed = env.SERVER_API_KEYS?.split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const file = env.SERVER_API_KEYS_FILE?.trim()
    ? readApiKeysFile(env.SERVER_API_KEYS_FILE.trim())
    : undefined;
  if (listed === undefined && file === undefined) return undefined;
  return [...(listed ?? []), ...(file ?? [])];
}
