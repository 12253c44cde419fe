import { createReadStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { ModelError } from '../errors.js';

/** Largest long-name (L) or pax (x) header entry read into memory. */
const MAX_HEADER_ENTRY_BYTES = 64 * 1024;

/** Limits of one extraction (archive bombs). */
export interface ExtractOptions {
  /** Total bytes of extracted files (default 4 GiB). */
  maxBytes?: number;
  /** Number of entries (default 10 000). */
  maxEntries?: number;
}

const BLOCK = 512;
const broken = (why: string, cause?: unknown): ModelError =>
  new ModelError(
    'CORE_ERR_MODEL_ARTEFACT',
    `model archive is not a valid .tar.gz: ${why}`,
    cause ? { cause } : undefined,
  );

/** Pulls exact byte counts out of a chunked stream. */
class ByteReader {
  #buf: Buffer = Buffer.alloc(0);
  #done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  async #fill(n: number): Promise<void> {
    while (this.#buf.length < n && !this.#done) {
      const r = await this.it.next();
      if (r.done) this.#done = true;
      else this.#buf = this.#buf.length === 0 ? r.value : Buffer.concat([this.#buf, r.value]);
    }
  }

  /** Exactly `n` bytes, or null at a clean end of stream. */
  async read(n: number): Promise<Buffer | null> {
    await this.#fill(n);
    if (this.#buf.length === 0 && this.#done) return null;
    if (this.#buf.length < n) throw broken('truncated');
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** Streams `n` bytes in chunks without holding them all. */
  async *chunks(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      await this.#fill(1);
      if (this.#buf.length === 0) throw broken('truncated');
      const take = Math.min(left, this.#buf.length);
      yield this.#buf.subarray(0, take);
      this.#buf = this.#buf.subarray(take);
      left -= take;
    }
  }
}

function cString(b: Buffer, start: number, len: number): string {
  const field = b.subarray(start, start + len);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? len : end).toString('utf8');
}

function octal(b: Buffer, start: number, len: number): number {
  // GNU base-256 for sizes over 8 GiB: high bit set on the first byte.
  if (b[start] & 0x80) {
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i];
    return v;
  }
  const s = cString(b, start, len).trim();
  const v = s === '' ? 0 : Number.parseInt(s, 8);
  if (!Number.isFinite(v)) throw broken('bad number field');
  return v;
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  return sum === octal(h, 148, 8);
}

function paxPath(data: Buffer): string | undefined {
  // records: "<len> <key>=<value>\n"
  let off = 0;
  let path: string | undefined;
  while (off < data.length) {
    const space = data.indexOf(32, off);
    if (space === -1) break;
    const len = Number.parseInt(data.subarray(off, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = data.subarray(space + 1, off + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (rec.slice(0, eq) === 'path') path = rec.slice(eq + 1);
    off += len;
  }
  return path;
}

/** Refuses absolute names and `..` so an archive cannot write outside `dest`. */
function safeTarget(dest: string, name: string): string | undefined {
  const clean = name.replace(/^(\.\/)+/, '');
  if (clean === '' || clean === '.') return undefined;
  if (clean.startsWith('/') || /^[A-Za-z]:/.test(clean) || clean.split(/[\\/]/).includes('..')) {
    throw broken(`unsafe entry path "${name}"`);
  }
  const target = resolve(dest, clean);
  if (!target.startsWith(resolve(dest) + sep)) throw broken(`unsafe entry path "${name}"`);
  return target;
}

/**
 * Extracts a gzip-compressed tar file into `dest` (which should be empty),
 * streaming: regular files and directories only (links and devices are
 * skipped), ustar/GNU long names/pax paths understood, paths confined to
 * `dest`. Returns the extracted file paths.
 */
export async function extractTarGz(
  archivePath: string,
  dest: string,
  opts: ExtractOptions = {},
): Promise<string[]> {
  const maxBytes = opts.maxBytes ?? 4 * 1024 ** 3;
  const maxEntries = opts.maxEntries ?? 10_000;
  const source = createReadStream(archivePath);
  const gunzip = createGunzip();
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  const reader = new ByteReader(gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  const files: string[] = [];
  let total = 0;
  let entries = 0;
  let longName: string | undefined;
  try {
    await mkdir(dest, { recursive: true });
    for (;;) {
      const h = await reader.read(BLOCK);
      if (h === null || h.every((x) => x === 0)) break;
      if (!checksumOk(h)) throw broken('header checksum mismatch');
      if (++entries > maxEntries) throw broken(`more than ${maxEntries} entries`);
      const size = octal(h, 124, 12);
      const type = String.fromCharCode(h[156] || 48);
      const magic = cString(h, 257, 6);
      const prefix = magic.startsWith('ustar') ? cString(h, 345, 155) : '';
      let name = longName ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
      longName = undefined;
      const padded = Math.ceil(size / BLOCK) * BLOCK;

      if (type === 'L' || type === 'x') {
        // long names and pax headers are small; a huge one is an attack on memory
        if (size > MAX_HEADER_ENTRY_BYTES) throw broken(`a ${type} header entry of ${size} bytes`);
        const data = await reader.read(padded);
        if (!data) throw broken('truncated');
        const body = data.subarray(0, size);
        longName = type === 'L' ? cString(body, 0, body.length) : paxPath(body);
        continue;
      }
      if (type === '0' || type === '7') {
        if (name.endsWith('/')) name = name.slice(0, -1);
        total += size;
        if (total > maxBytes) throw broken(`extracted size over the ${maxBytes}-byte limit`);
        const target = safeTarget(dest, name);
        if (target) {
          await mkdir(dirname(target), { recursive: true });
          const fh = await open(target, 'w');
          try {
            for await (const c of reader.chunks(size)) await fh.write(c);
          } finally {
            await fh.close();
          }
          files.push(target);
        } else {
          for await (const _ of reader.chunks(size)) {
            // skipped
          }
        }
        if (padded > size) await reader.read(padded - size);
        continue;
      }
      if (type === '5') {
        const target = safeTarget(dest, name);
        if (target) await mkdir(target, { recursive: true });
      }
      // Directories carry no data; links, devices and global pax headers are skipped.
      if (padded > 0)
        for await (const _ of reader.chunks(padded)) {
          // skipped
        }
    }
    return files;
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw broken((e as Error).message, e);
  } finally {
    // once we stop reading (done, or refused), zlib may still report the bytes it had
    // buffered as corrupt: nobody is listening then, and an unhandled 'error' would crash
    // the process (a server fetching a broken model)
    gunzip.on('error', () => undefined);
    source.destroy();
    gunzip.destroy();
  }
}
