import type { OutboxItem } from '../outbox.js';

/** What a target learns about one delivery attempt. */
export interface DeliveryContext {
  /** True when no earlier attempt may have reached the target (a duplicate answer then means a genuine duplicate). */
  firstAttempt: boolean;
  /** Persists the target's image id between upload and annotation. */
  onUploaded(imageId: string): void;
  /** A problem that does not undo the delivery (e.g. the annotation was refused but the image is in). */
  onWarning(error: Error): void;
}

/**
 * Where accepted datapoints go. `deliver` resolves `delivered` (the image is
 * there, annotated if asked) or `duplicate` (the target already held this
 * image from elsewhere: Roboflow semantics, credit is returned). Throwing
 * `AL_ERR_TARGET_UNAVAILABLE` means try again later; any other error is final.
 */
export interface ActiveLearningTarget {
  readonly name: string;
  deliver(item: OutboxItem, jpeg: Buffer, ctx: DeliveryContext): Promise<'delivered' | 'duplicate'>;
  close?(): Promise<void>;
}
