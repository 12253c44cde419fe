import { randomUUID } from 'node:crypto';

/** A fresh id for `inference_id` / `detection_id` (uuid4, as Roboflow sends). */
export function newId(): string {
  return randomUUID();
}

/** `inference_id` of result `i` of `n`: the request's id (suffixed per image in a batch) or a fresh one. */
export function resultId(requestId: string | undefined, i: number, n: number): string {
  if (!requestId) return newId();
  return n > 1 ? `${requestId}-${i}` : requestId;
}
