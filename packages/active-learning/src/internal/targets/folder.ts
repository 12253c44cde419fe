import { mkdir, readFile, stat } from 'node:fs/promises';
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

interface Pending {
  item: OutboxItem;
  jpeg: Buffer;
  ctx: DeliveryContext;
  resolve(v: 'delivered' | 'duplicate'): void;
  reject(e: unknown): void;
}

interface BatchState {
  queue: Pending[];
  writing: boolean;
  /** The document as we last wrote it, with the file's mtime then (another writer changes it). */
  cached?: { coco: CocoFile; mtimeMs: number; size: number };
}

/**
 * A local dataset folder: `<root>/<project>/<batch>/` holds the images and
 * one `_annotations.coco.json`. Images are written first, then the JSON that
 * lists them, both atomically (temp file, fsync, rename), so a crash leaves
 * at worst unlisted images that the retry lists. Deliveries waiting for the
 * same batch share one JSON write. An image name already listed in the
 * batch is a duplicate (first attempt) or our own earlier attempt (done).
 */
export class FolderTarget implements ActiveLearningTarget {
  readonly name: string;
  readonly root: string;
  readonly #batches = new Map<string, BatchState>();

  constructor(root: string) {
    this.root = resolve(root);
    this.name = `dir:${this.root}`;
  }

  deliver(item: OutboxItem, jpeg: Buffer, ctx: DeliveryContext): Promise<'delivered' | 'duplicate'> {
    const dir = join(this.root, safeSegment(item.project), safeSegment(item.batch));
    let b = this.#batches.get(dir);
    if (!b) {
      b = { queue: [], writing: false };
      this.#batches.set(dir, b);
    }
    const state = b;
    return new Promise((resolve, reject) => {
      state.queue.push({ item, jpeg, ctx, resolve, reject });
      if (!state.writing) void this.#drain(dir, state);
    });
  }

  async #drain(dir: string, b: BatchState): Promise<void> {
    b.writing = true;
    while (b.queue.length > 0) {
      const group = b.queue.splice(0);
      try {
        const outcomes = await this.#write(dir, b, group);
        for (let i = 0; i < group.length; i++) group[i].resolve(outcomes[i]);
      } catch (err) {
        b.cached = undefined;
        const e =
          err instanceof ActiveLearningError
            ? err
            : new ActiveLearningError(
                'AL_ERR_TARGET_UNAVAILABLE',
                `Writing to ${dir} failed: ${(err as Error).message}`,
                {
                  cause: err,
                },
              );
        for (const p of group) p.reject(e);
      }
    }
    b.writing = false;
  }

  async #load(jsonPath: string, b: BatchState): Promise<CocoFile> {
    const st = await stat(jsonPath).catch(() => undefined);
    if (!st) return emptyCoco(new Date());
    if (b.cached && b.cached.mtimeMs === st.mtimeMs && b.cached.size === st.size) return b.cached.coco;
    return JSON.parse(await readFile(jsonPath, 'utf8')) as CocoFile;
  }

  async #write(dir: string, b: BatchState, group: Pending[]): Promise<('delivered' | 'duplicate')[]> {
    await mkdir(dir, { recursive: true });
    const jsonPath = join(dir, COCO_FILE);
    const coco = await this.#load(jsonPath, b);
    const listed = new Set(coco.images.map((i) => i.file_name));
    const outcomes: ('delivered' | 'duplicate')[] = [];
    const toAdd: Pending[] = [];
    for (const p of group) {
      if (listed.has(p.item.name)) {
        outcomes.push(p.ctx.firstAttempt ? 'duplicate' : 'delivered');
        continue;
      }
      listed.add(p.item.name);
      toAdd.push(p);
      outcomes.push('delivered');
    }
    if (toAdd.length > 0) {
      await Promise.all(toAdd.map((p) => writeFileAtomic(join(dir, p.item.name), p.jpeg)));
      for (const p of toAdd) addToCoco(coco, p.item, new Date(p.item.createdAt));
      const text = JSON.stringify(coco);
      await writeFileAtomic(jsonPath, text);
      const st = await stat(jsonPath);
      b.cached = { coco, mtimeMs: st.mtimeMs, size: st.size };
    }
    return outcomes;
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
