import {
  type KalmanState,
  kalmanInitiate,
  kalmanPredict,
  kalmanUpdate,
  xyahToXyxy,
  xyxyToXyah,
} from './kalman.js';

/** Life cycle of one track. */
export type TrackStatus = 'tracked' | 'lost' | 'removed';

/** One followed object: a Kalman state plus bookkeeping. Internal to the tracker. */
export class Track {
  kalman: KalmanState;
  status: TrackStatus = 'tracked';
  /** Confirmed tracks are reported; new ones wait for `minimumConsecutiveFrames` hits. */
  activated = false;
  /** The id users see (-1 until the track is confirmed). */
  externalId = -1;
  /** Hits since (re)activation. */
  trackletLength = 0;
  /** Last frame the track was seen (updated) on. */
  lastFrame: number;
  readonly startFrame: number;
  score: number;
  /** Index of the detection matched in the current update, or -1. */
  detectionIndex = -1;

  constructor(box: ArrayLike<number>, offset: number, score: number, frame: number) {
    this.kalman = kalmanInitiate(xyxyToXyah(box[offset], box[offset + 1], box[offset + 2], box[offset + 3]));
    this.score = score;
    this.lastFrame = frame;
    this.startFrame = frame;
  }

  /** Advance one frame; lost tracks keep position velocity but stop growing or shrinking. */
  predict(): void {
    if (this.status !== 'tracked') this.kalman.mean[7] = 0;
    kalmanPredict(this.kalman);
  }

  /** Correct with a matched detection (xyxy at `offset` in `boxes`). */
  correct(boxes: ArrayLike<number>, offset: number, score: number, frame: number, index: number): void {
    kalmanUpdate(
      this.kalman,
      xyxyToXyah(boxes[offset], boxes[offset + 1], boxes[offset + 2], boxes[offset + 3]),
    );
    this.lastFrame = frame;
    this.score = score;
    this.status = 'tracked';
    this.detectionIndex = index;
  }

  /** Current box estimate as xyxy. */
  box(): [number, number, number, number] {
    return xyahToXyxy(this.kalman.mean);
  }
}
