import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { PipelineError } from '../errors.js';

/** Where to look for ffmpeg; every field is optional. */
export interface FfmpegLocateOptions {
  /** Explicit ffmpeg binary (wins over everything else). */
  ffmpegPath?: string;
  /** Explicit ffprobe binary. Without ffprobe, properties come from ffmpeg's own stream header. */
  ffprobePath?: string;
  /** Environment to read FFMPEG_PATH / FFPROBE_PATH / PATH from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Fall back to the npm packages `@ffmpeg-installer/ffmpeg` / `@ffprobe-installer/ffprobe` (default true). */
  allowNpmFallback?: boolean;
}

/** The binaries found, and where they came from. */
export interface FfmpegBinaries {
  ffmpeg: string;
  /** Absent when no ffprobe exists; probing then parses ffmpeg's stream header. */
  ffprobe?: string;
  origin: 'option' | 'env' | 'path' | 'npm';
  /** Major version (e.g. 5 for 5.1.x); 0 when it cannot be parsed (git builds). */
  majorVersion: number;
}

const cache = new Map<string, Promise<FfmpegBinaries>>();

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function searchPath(name: string, pathVar: string | undefined): Promise<string | undefined> {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Loads an optional npm package that exposes `{ path }`, without making it a hard dependency. */
async function npmBinary(specifier: string): Promise<string | undefined> {
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the package.
    const mod = (await import(specifier)) as { path?: unknown; default?: { path?: unknown } };
    const path = mod.path ?? mod.default?.path;
    return typeof path === 'string' && (await isExecutable(path)) ? path : undefined;
  } catch {
    return undefined;
  }
}

function majorVersionOf(ffmpeg: string): Promise<number> {
  return new Promise((resolve) => {
    execFile(ffmpeg, ['-hide_banner', '-version'], { timeout: 5000 }, (_err, stdout) => {
      const m = /version\s+n?(\d+)\./.exec(String(stdout));
      resolve(m ? Number(m[1]) : 0);
    });
  });
}

async function locate(options: FfmpegLocateOptions): Promise<FfmpegBinaries> {
  const env = options.env ?? process.env;
  let ffmpeg: string | undefined;
  let origin: FfmpegBinaries['origin'] = 'option';
  if (options.ffmpegPath) {
    if (!(await isExecutable(options.ffmpegPath))) {
      throw new PipelineError(
        'PIPE_ERR_FFMPEG_NOT_FOUND',
        `The configured ffmpeg path is not an executable file: ${options.ffmpegPath}`,
      );
    }
    ffmpeg = options.ffmpegPath;
  } else if (env.FFMPEG_PATH) {
    if (!(await isExecutable(env.FFMPEG_PATH))) {
      throw new PipelineError(
        'PIPE_ERR_FFMPEG_NOT_FOUND',
        `FFMPEG_PATH is not an executable file: ${env.FFMPEG_PATH}`,
      );
    }
    ffmpeg = env.FFMPEG_PATH;
    origin = 'env';
  } else if ((ffmpeg = await searchPath('ffmpeg', env.PATH))) {
    origin = 'path';
  } else if (options.allowNpmFallback !== false && (ffmpeg = await npmBinary('@ffmpeg-installer/ffmpeg'))) {
    origin = 'npm';
  }
  if (!ffmpeg) {
    throw new PipelineError(
      'PIPE_ERR_FFMPEG_NOT_FOUND',
      'ffmpeg was not found. Install it (e.g. `apt-get install ffmpeg`), set FFMPEG_PATH or the ffmpegPath option, ' +
        'or add the npm package @ffmpeg-installer/ffmpeg.',
    );
  }
  let ffprobe = options.ffprobePath ?? env.FFPROBE_PATH;
  if (ffprobe && !(await isExecutable(ffprobe))) ffprobe = undefined;
  if (!ffprobe) {
    const sibling = join(dirname(ffmpeg), 'ffprobe');
    ffprobe =
      (origin !== 'npm' && (await isExecutable(sibling)) ? sibling : undefined) ??
      (origin === 'path' ? await searchPath('ffprobe', env.PATH) : undefined) ??
      (options.allowNpmFallback !== false ? await npmBinary('@ffprobe-installer/ffprobe') : undefined);
  }
  const found: FfmpegBinaries = { ffmpeg, origin, majorVersion: await majorVersionOf(ffmpeg) };
  if (ffprobe) found.ffprobe = ffprobe;
  return found;
}

/**
 * Finds ffmpeg (and ffprobe when present): option > `FFMPEG_PATH` > system
 * `PATH` > the optional npm package `@ffmpeg-installer/ffmpeg`. Results are
 * cached per options; a failure is not cached (installing ffmpeg later works).
 * @throws PipelineError `PIPE_ERR_FFMPEG_NOT_FOUND`
 * @example
 * const { ffmpeg, ffprobe } = await locateFfmpeg();
 * // ffmpeg === '/usr/bin/ffmpeg' on a machine with the Debian package
 */
export function locateFfmpeg(options: FfmpegLocateOptions = {}): Promise<FfmpegBinaries> {
  const env = options.env ?? process.env;
  const key = JSON.stringify([
    options.ffmpegPath,
    options.ffprobePath,
    env.FFMPEG_PATH,
    env.FFPROBE_PATH,
    env.PATH,
    options.allowNpmFallback,
  ]);
  let found = cache.get(key);
  if (!found) {
    found = locate(options);
    cache.set(key, found);
    found.catch(() => cache.delete(key));
  }
  return found;
}
