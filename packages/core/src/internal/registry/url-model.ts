import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ModelError } from '../errors.js';
import { writeCacheEntry } from './cache.js';
import { type DownloadOptions, downloadFile } from './download.js';
import { extractTarGz } from './tar.js';

/**
 * Moves a finished staging folder to `finalDir` atomically. If another
 * process got there first, its copy is kept and ours discarded.
 */
export async function publishDir(staged: string, finalDir: string): Promise<void> {
  try {
    await rename(staged, finalDir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EPERM') throw e;
    await rm(staged, { recursive: true, force: true });
  }
}

/** A unique staging folder beside `finalDir` (dot-prefixed, so `list()` skips it). */
export function stagingDirFor(finalDir: string): string {
  return join(dirname(finalDir), `.${basename(finalDir)}.${randomBytes(4).toString('hex')}.staging`);
}

async function head(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const MODEL_MARKERS = ['inference.json', 'environment.json'];

/** The folder inside an extracted archive that holds the model (descending single-folder wrappers). */
async function findModelRoot(dir: string, depth = 0): Promise<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter(
    (e) => !e.name.startsWith('.') && e.name !== '__MACOSX',
  );
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  if (files.some((n) => MODEL_MARKERS.includes(n) || n.toLowerCase().endsWith('.onnx'))) return dir;
  const dirs = entries.filter((e) => e.isDirectory());
  if (dirs.length === 1 && files.length === 0 && depth < 8)
    return findModelRoot(join(dir, dirs[0].name), depth + 1);
  throw new ModelError(
    'CORE_ERR_MODEL_ARTEFACT',
    'the model archive holds no model folder (inference.json, environment.json or .onnx)',
  );
}

function fileNameOf(url: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  const safe = last.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return safe && safe !== '.' && safe !== '..' ? safe : 'download';
}

/**
 * Downloads a model URL into `finalDir`: a `.onnx` file (kept under its own
 * name) or a `.tar.gz`/`.tgz` archive of a model folder, recognised by its
 * gzip magic bytes whatever the URL says. ZIP archives are refused (reading
 * them needs a dependency we do not take). The folder appears atomically.
 */
export async function downloadUrlModel(
  url: string,
  finalDir: string,
  opts: DownloadOptions & { extractMaxBytes?: number } = {},
): Promise<void> {
  const staging = stagingDirFor(finalDir);
  try {
    let name = fileNameOf(url);
    const file = join(staging, name);
    const got = await downloadFile(url, file, { ...opts, lock: false });
    const magic = await head(file, 4);
    let modelDir = staging;
    if (magic[0] === 0x1f && magic[1] === 0x8b) {
      const out = join(staging, 'extracted');
      await extractTarGz(file, out, { maxBytes: opts.extractMaxBytes ?? opts.maxBytes });
      await rm(file);
      modelDir = await findModelRoot(out);
    } else if (magic[0] === 0x50 && magic[1] === 0x4b) {
      throw new ModelError(
        'CORE_ERR_MODEL_ARTEFACT',
        'ZIP model archives are not supported; use .tar.gz or .tgz',
      );
    } else if (!name.toLowerCase().endsWith('.onnx')) {
      // Presigned URLs often lack an extension; the folder reader wants one.
      name = `${name.replace(/\.[^.]*$/, '') || 'model'}.onnx`;
      await rename(file, join(staging, name));
    }
    await writeCacheEntry(modelDir, {
      id: url,
      source: 'url',
      sha256: got.sha256,
      createdAt: new Date().toISOString(),
    });
    // Replace a stale or forced-out copy only now that the new one is complete (the caller holds the lock).
    await rm(finalDir, { recursive: true, force: true });
    await publishDir(modelDir, finalDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
