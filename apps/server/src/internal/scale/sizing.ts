import { availableParallelism, totalmem } from 'node:os';

/** Memory one run slot may hold at most: a preprocessed input tensor plus its outputs (1280² float32 is ~20 MB). */
const BYTES_PER_SLOT = 64 * 1024 * 1024;

/**
 * Default run slots per model, from the machine: two per core, so every
 * per-core session has a next request preprocessed and waiting while it runs
 * (and a dynamic batch can form), at least 4, and no more than memory allows.
 * A fixed 4 left 3/4 of a 16-core machine idle.
 *
 * @example
 * defaultRunSlots(16); // 32
 */
export function defaultRunSlots(cores = availableParallelism(), memory = availableMemory()): number {
  const byMemory = Math.max(1, Math.floor(memory / BYTES_PER_SLOT));
  return Math.max(1, Math.min(Math.max(4, 2 * cores), byMemory));
}

/** Memory this process may use: the cgroup limit when there is one, else the machine's. */
export function availableMemory(): number {
  const total = totalmem();
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 && limit < total ? limit : total;
}

/** Largest image, in pixels, a request may send (`MAX_IMAGE_PIXELS`) unless configured. */
export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;

/** Default decoded-pixel budget: 1/32 of memory at 3 bytes a pixel, at least one largest image. */
export function defaultDecodeBudget(maxImagePixels: number, memory = availableMemory()): number {
  return Math.max(maxImagePixels, Math.floor(memory / 96));
}

/**
 * Session sizing for a process that owns `cores` of the machine (`ORT_CORES`):
 * its adaptive sessions spread over those cores, and their count is bounded
 * by the same fraction of the memory. Nothing when unset (the whole machine).
 *
 * @example
 * coreShare(4); // on 16 cores, 64 GiB: { cores: 4, memoryBytes: 16 GiB }
 */
export function coreShare(
  cores: number | undefined,
  machineCores = availableParallelism(),
  memory = availableMemory(),
): { cores?: number; memoryBytes?: number } {
  if (cores === undefined) return {};
  if (cores < 1) throw new TypeError(`ORT_CORES must be an integer >= 1, got ${cores}`);
  return { cores, memoryBytes: Math.floor((memory * Math.min(cores, machineCores)) / machineCores) };
}
