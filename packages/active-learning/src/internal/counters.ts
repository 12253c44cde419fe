/** What the metrics count (per process). */
export interface ActiveLearningCounters {
  /** Datapoints a strategy sampled. */
  sampled: number;
  /** Sampled datapoints every matching strategy's limits (or the batch cap) turned away. */
  limited: number;
  /** Datapoints refused because the outbox was full or the submit queue overflowed. */
  refused: number;
  /** Datapoints accepted into the outbox. */
  accepted: number;
  /** Datapoints the target now holds (duplicates included). */
  delivered: number;
  /** Of those, genuine duplicates (credit returned). */
  duplicates: number;
  /** Failed delivery attempts (each one). */
  failed: number;
  /** Delivery attempts after the first for a datapoint. */
  retried: number;
  /** Datapoints given up on (kept in the outbox as dead, for export). */
  dead: number;
}

export const zeroCounters = (): ActiveLearningCounters => ({
  sampled: 0,
  limited: 0,
  refused: 0,
  accepted: 0,
  delivered: 0,
  duplicates: 0,
  failed: 0,
  retried: 0,
  dead: 0,
});
