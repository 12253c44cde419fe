import { randomUUID } from 'node:crypto';

/** A fresh id for `inference_id` / `detection_id` (uuid4, as Roboflow sends). */
export function newId(): string {
  return randomUUID();
}
