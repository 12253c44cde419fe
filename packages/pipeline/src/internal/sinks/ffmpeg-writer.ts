import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { PipelineError } from '../errors.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { firstEvent } from './first-event.js';

/** Video codecs the writer can pick; 'auto' = H.264 (libx264) when ffmpeg has it, else MPEG-4 part 2. */
export type VideoCodec = 'auto' | 'h264' | 'mpeg4';

const encoderCache = new Map<string, Promise<Set<string>>>();

/** Names of the encoders this ffmpeg build offers (cached per binary). */
export function ffmpegEncoders(ffmpeg: string): Promise<Set<string>> {
  let found = encoderCache.get(ffmpeg);
  if (!found) {
    found = new Promise((resolve) => {
      execFile(
        ffmpeg,
        ['-hide_banner', '-encoders'],
        { timeout: 10_000, maxBuffer: 4 << 20 },
        (_e, stdout) => {
          const names = new Set<string>();
          for (const line of String(stdout).split('\n')) {
            const m = /^\s*[VAS][.A-Z]{5}\s+(\S+)/.exec(line);
            if (m) names.add(m[1]);
          }
          resolve(names);
        },
      );
    });
    encoderCache.set(ffmpeg, found);
  }
  return found;
}

function codecArgs(codec: 'h264' | 'mpeg4', quality: number): string[] {
  // quality 1..100 (higher is better) mapped onto each encoder's own scale.
  if (codec === 'h264')
    return ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(Math.round(51 - (quality / 100) * 33))];
  return ['-c:v', 'mpeg4', '-q:v', String(Math.max(2, Math.round(31 - (quality / 100) * 29)))];
}

/** Options of {@link FfmpegVideoWriter.open}. */
export interface VideoWriterOptions {
  width: number;
  height: number;
  fps: number;
  codec?: VideoCodec;
  /** 1..100, higher is better (default 75). */
  quality?: number;
  ffmpegPath?: string;
}

/**
 * An ffmpeg process encoding raw RGB frames written to its stdin into a video file
 * (yuv420p, so every player opens it; odd sizes are padded to even).
 */
export class FfmpegVideoWriter {
  readonly path: string;
  readonly codec: 'h264' | 'mpeg4';
  readonly width: number;
  readonly height: number;
  readonly #child: ChildProcess;
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stderr = '';
  #frames = 0;
  #spawnError: unknown;

  private constructor(
    path: string,
    codec: 'h264' | 'mpeg4',
    child: ChildProcess,
    width: number,
    height: number,
  ) {
    this.path = path;
    this.codec = codec;
    this.width = width;
    this.height = height;
    this.#child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    child.stdin?.on('error', () => {}); // EPIPE when ffmpeg dies; reported through the exit status
    this.#exited = new Promise((resolve) => {
      child.on('error', (e) => {
        this.#spawnError = e;
        if (child.pid === undefined) resolve({ code: null, signal: null });
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
  }

  /** Spawn ffmpeg for one output file. */
  static async open(path: string, options: VideoWriterOptions): Promise<FfmpegVideoWriter> {
    const { ffmpeg } = await locateFfmpeg(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {});
    let codec: 'h264' | 'mpeg4';
    const wanted = options.codec ?? 'auto';
    if (wanted === 'auto') codec = (await ffmpegEncoders(ffmpeg)).has('libx264') ? 'h264' : 'mpeg4';
    else codec = wanted;
    const args = [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${options.width}x${options.height}`,
      '-framerate',
      String(options.fps),
      '-i',
      'pipe:0',
      '-an',
      '-vf',
      'pad=ceil(iw/2)*2:ceil(ih/2)*2',
      ...codecArgs(codec, options.quality ?? 75),
      '-pix_fmt',
      'yuv420p',
      path,
    ];
    const child = spawn(ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
    return new FfmpegVideoWriter(path, codec, child, options.width, options.height);
  }

  /** Frames written so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Write one RGB frame; resolves when ffmpeg accepted it (waits on a full pipe). */
  async write(rgb: Uint8Array): Promise<void> {
    const stdin = this.#child.stdin;
    if (!stdin || stdin.destroyed || this.#child.exitCode !== null || this.#spawnError) {
      throw this.#failure('ffmpeg is not accepting frames');
    }
    this.#frames++;
    const buf = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength);
    if (!stdin.write(buf)) {
      await firstEvent([
        [stdin, 'drain'],
        [stdin, 'close'],
        [this.#child, 'close'],
      ]);
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
        throw this.#failure('ffmpeg exited while frames were being written');
      }
    }
  }

  /**
   * End the input and wait for ffmpeg to finish the file (up to `timeoutMs`, then it is
   * killed). Throws `PIPE_ERR_VIDEO_WRITE` when ffmpeg failed.
   */
  async close(timeoutMs = 30_000): Promise<void> {
    this.#child.stdin?.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    const { code, signal } = await this.#exited.finally(() => clearTimeout(timer));
    if (code !== 0) throw this.#failure(`ffmpeg ended with ${signal ?? `code ${code}`}`);
  }

  /** Kill ffmpeg at once (the file may be unusable); resolves when it is reaped. */
  async abort(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  #failure(message: string): PipelineError {
    const tail = this.#stderr.trim().split('\n').slice(-3).join(' | ');
    return new PipelineError('PIPE_ERR_VIDEO_WRITE', `${message} (${this.path})${tail ? `: ${tail}` : ''}`, {
      cause: this.#spawnError,
    });
  }
}
