/**
 * Default sizes that follow the frame size, so a 640 px thumbnail and a 4K
 * frame both get readable strokes and labels.
 */

/** Box/line stroke width in pixels: 2 up to ~720p, 3 at 1080p, 6 at 4K. */
export function defaultStrokeWidth(width: number, height: number): number {
  return Math.max(2, Math.round(Math.min(width, height) / 360));
}

/** Integer font scale: 1 below ~540 px on the short side, 2 at 720p, 3 at 1080p. */
export function defaultTextScale(width: number, height: number): number {
  return Math.max(1, Math.round(Math.min(width, height) / 360));
}

/** Keypoint dot radius in pixels: 2 up to ~720p, 3 at 1080p. */
export function defaultPointRadius(width: number, height: number): number {
  return Math.max(2, Math.round(Math.min(width, height) / 360));
}
