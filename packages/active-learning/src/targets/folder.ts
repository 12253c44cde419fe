import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ActiveLearningError } from '../errors.js';
import { type OutboxItem, writeFileAtomic } from '../outbox.js';
import { addToCoco, type CocoFile, emptyCoco } from './coco.js';
import type { ActiveLearningTarget, DeliveryContext } from './types.js';

export const COCO_FILE = '_annotations.coco.json';

/** A project or batch name as one folder name: no separators, no `..`. */
export function safeSegment(s: string): string {
  const t = s.replace(/[^\w.\-@]/g, '_');
  return t === '' || /^\.+$/.test(t) ? '_' : t;
}

/**
 * A local dataset folder: `<root>/<project>/<batch>/` holds the images and
 * one `_annotations.coco.json`. Both are written atomically (image first,
 * then the JSON that lists it), so a crash leaves at worst an unlisted image
 * that the retry lists. An image name already listed in the batch is a
 * duplicate (first attempt) or our own earlier attempt (done).
 */
export class FolderTarget implements ActiveLearningTarget {
  readonly name: string;
  readonly root: string;
  // one writer per batch file inside this process
  readonly #chains = new Map<string, Promise<unknown>>();

  constructor(root: string) {
    this.root = resolve(root);
    this.name = `dir:${this.root}`;
  }

  deliver(item: OutboxItem, jpeg: Buffer, ctx: DeliveryContext): Promise<'delivered' | 'duplicate'> {
    const dir = join(this.root, safeSegment(item.project), safeSegment(item.batch));
    const prev = this.#chains.get(dir) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.#write(dir, item, jpeg, ctx));
    this.#chains.set(dir, next);
    const forget = () => {
      if (this.#chains.get(dir) === next) this.#chains.delete(dir);
    };
    next.then(forget, forget);
    return next;
  }

  async #write(
    dir: string,
    item: OutboxItem,
    jpeg: Buffer,
    ctx: DeliveryContext,
  ): Promise<'delivered' | 'duplicate'> {
    try {
      mkdirSync(dir, { recursive: true });
      const jsonPath = join(dir, COCO_FILE);
      const coco: CocoFile = existsSync(jsonPath)
        ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as CocoFile)
        : emptyCoco(new Date());
      if (coco.images.some((i) => i.file_name === item.name))
        return ctx.firstAttempt ? 'duplicate' : 'delivered';
      writeFileAtomic(join(dir, item.name), jpeg);
      addToCoco(coco, item, new Date(item.createdAt));
      writeFileAtomic(jsonPath, JSON.stringify(coco));
      return 'delivered';
    } catch (err) {
      if (err instanceof ActiveLearningError) throw err;
      throw new ActiveLearningError(
        'AL_ERR_TARGET_UNAVAILABLE',
        `Writing to ${dir} failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
}

/** `roboflow` or `dir:<path>` (relative paths resolve against the working directory). */
export function parseTargetSpec(spec: string): { kind: 'roboflow' } | { kind: 'dir'; path: string } {
  const s = spec.trim();
  if (s === '' || s === 'roboflow') return { kind: 'roboflow' };
  if (s.startsWith('dir:') && s.length > 4) {
    const path = s.slice(4);
    return { kind: 'dir', path: isAbsolute(path) ? path : resolve(path) };
  }
  throw new ActiveLearningError(
    'AL_ERR_TARGET_INVALID',
    `ACTIVE_LEARNING_TARGET must be \`roboflow\` or \`dir:<path>\`, got ${JSON.stringify(spec)}.`,
  );
}
