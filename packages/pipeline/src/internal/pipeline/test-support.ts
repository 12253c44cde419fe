import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** True when ffmpeg runs here; the tests that need it skip otherwise. */
export const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A small MPEG-4 test-pattern video (64x48) of `frames` frames at `rate` fps, written to `dir/name`. */
export function makeTestVideo(dir: string, name: string, frames: number, rate = 25): string {
  const path = join(dir, name);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=64x48:rate=${rate}`,
    '-frames:v',
    String(frames),
    '-pix_fmt',
    'yuv420p',
    '-c:v',
    'mpeg4',
    path,
  ]);
  return path;
}
