import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in <root>/testing). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `../shared` beside the repository (override with INFERENCE_SHARED_DIR). */
export const SHARED_DIR = process.env.INFERENCE_SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared');

/** True when the shared models and media are present; tests that need them skip otherwise. */
export const HAS_SHARED = existsSync(join(SHARED_DIR, 'models')) && existsSync(join(SHARED_DIR, 'media'));

/** Reason printed when shared-data tests are skipped. */
export const SHARED_SKIP_REASON = `../shared (real models and media) not found at ${SHARED_DIR}: skipping tests that need it`;

export const sharedModel = (name: string): string => join(SHARED_DIR, 'models', name);
export const sharedMedia = (name: string): string => join(SHARED_DIR, 'media', name);

export function cocoNames(): string[] {
  return readFileSync(join(SHARED_DIR, 'models', 'coco.names'), 'utf8')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A model folder for the shared yolox_nano.onnx in our manifest format (YOLOX's
 * conventions: BGR, 0..255, top-left letterbox), written under `root`.
 */
export async function yoloxDir(root: string): Promise<string> {
  const dir = join(root, 'yolox-nano');
  await mkdir(dir, { recursive: true });
  await symlink(sharedModel('yolox_nano.onnx'), join(dir, 'yolox_nano.onnx'));
  await writeFile(
    join(dir, 'inference.json'),
    JSON.stringify({
      task: 'object-detection',
      family: 'yolox',
      weights: 'yolox_nano.onnx',
      input: {
        width: 416,
        height: 416,
        resize: 'letterbox',
        padAlign: 'top-left',
        padColor: [114, 114, 114],
        colorOrder: 'bgr',
        scale: 1,
      },
      classes: cocoNames(),
    }),
  );
  return dir;
}
