import { createInterface } from 'node:readline';
import { PipelineError } from '../errors.js';
import { FrameReader } from './frame-reader.js';
import { type StreamHeader, StreamHeaderParser } from './header.js';
import { type ExitInfo, type ManagedProcess, spawnManaged } from './process.js';
import { redactText } from './redact.js';

/** How to start one ffmpeg decoding process. */
export interface DecoderOptions {
  ffmpegPath: string;
  /** Major ffmpeg version (selects `-fps_mode` vs `-vsync`). */
  majorVersion: number;
  /** File path, URL or device. */
  input: string;
  /** Flags placed before `-i` (transport, timeouts, `-f v4l2`, ...). */
  inputArgs?: readonly string[];
  /** Scale every frame to this size; native size when absent. */
  size?: { width: number; height: number };
  /** Number of stderr lines kept for error messages (default 20). */
  stderrLines?: number;
  /** Decoding threads (`-threads`); ffmpeg's own choice when absent. */
  threads?: number;
  /** Where frame buffers come from (e.g. buffers a consumer is done with); new ones by default. */
  allocateFrame?: (bytes: number) => Uint8Array;
}

/** Builds the ffmpeg argument list: decode the first video stream to rgb24 rawvideo on stdout. */
export function decoderArgs(options: DecoderOptions): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', ...(options.inputArgs ?? [])];
  if (options.threads !== undefined) args.push('-threads', String(options.threads));
  args.push('-i', options.input, '-map', '0:v:0', '-an', '-sn', '-dn');
  if (options.size) args.push('-vf', `scale=${options.size.width}:${options.size.height}`);
  // Passthrough: every decoded frame exactly once (no duplication to a constant rate); pacing is ours.
  args.push(...(options.majorVersion >= 5 ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough']));
  args.push('-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1');
  return args;
}

/**
 * One running ffmpeg that decodes a source to raw RGB frames. Create with
 * `FfmpegDecoder.spawn`, await `ready()` for the stream header, then `readFrame()`
 * until null; always `stop()` (it reaps the process). Messages are redacted.
 */
export class FfmpegDecoder {
  readonly #proc: ManagedProcess;
  readonly #input: string;
  readonly #tail: string[] = [];
  readonly #maxLines: number;
  readonly #ready: Promise<StreamHeader>;
  #reader: FrameReader | undefined;

  private constructor(options: DecoderOptions) {
    this.#input = options.input;
    this.#maxLines = options.stderrLines ?? 20;
    this.#proc = spawnManaged(options.ffmpegPath, decoderArgs(options));
    const parser = new StreamHeaderParser();
    const stderr = this.#proc.child.stderr!;
    const lines = createInterface({ input: stderr, crlfDelay: Number.POSITIVE_INFINITY });
    this.#ready = new Promise<StreamHeader>((resolve, reject) => {
      let done = false;
      lines.on('line', (raw) => {
        const line = redactText(raw);
        this.#tail.push(line);
        if (this.#tail.length > this.#maxLines) this.#tail.shift();
        if (done) return;
        const header = parser.push(line);
        if (header) {
          done = true;
          this.#reader = new FrameReader(
            this.#proc.child.stdout!,
            header.outputWidth * header.outputHeight * 3,
            options.allocateFrame,
          );
          resolve(header);
        }
      });
      this.#proc.child.on('error', (e) => {
        if (done) return;
        done = true;
        reject(
          new PipelineError('PIPE_ERR_FFMPEG_FAILED', `ffmpeg could not be started: ${e.message}`, {
            cause: e,
          }),
        );
      });
      void this.#proc.closed.then((exit) => {
        if (done) return;
        done = true;
        reject(this.failure(exit, 'PIPE_ERR_SOURCE_CONNECTION'));
      });
    });
    this.#ready.catch(() => undefined);
  }

  /** Starts ffmpeg. Never throws synchronously; failures surface from `ready()`. */
  static spawn(options: DecoderOptions): FfmpegDecoder {
    return new FfmpegDecoder(options);
  }

  /** Process id (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.#proc.pid;
  }

  /** Settles when ffmpeg has exited and been reaped. */
  get closed(): Promise<ExitInfo> {
    return this.#proc.closed;
  }

  /** The last stderr lines, redacted. */
  get stderrTail(): readonly string[] {
    return this.#tail;
  }

  /** Resolves with the stream header once ffmpeg opened the input and set up the output. */
  ready(): Promise<StreamHeader> {
    return this.#ready;
  }

  /**
   * Next frame's RGB bytes, or null at a clean end of stream.
   * @throws PipelineError `PIPE_ERR_FFMPEG_FAILED` when ffmpeg exits non-zero.
   */
  async readFrame(): Promise<Uint8Array | null> {
    if (!this.#reader) await this.#ready;
    const frame = await this.#reader!.read();
    if (frame) return frame;
    const exit = await this.#proc.closed;
    if (exit.code === 0) return null;
    throw this.failure(exit, 'PIPE_ERR_FFMPEG_FAILED');
  }

  /** SIGTERM, SIGKILL after `graceMs`, and wait until reaped. */
  stop(graceMs = 2000): Promise<ExitInfo> {
    return this.#proc.stop(graceMs);
  }

  /** A redacted error describing why ffmpeg ended, with its last stderr lines. */
  failure(exit: ExitInfo, code: 'PIPE_ERR_FFMPEG_FAILED' | 'PIPE_ERR_SOURCE_CONNECTION'): PipelineError {
    const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    const lastLines = this.#tail.filter((l) => !/^\s/.test(l)).slice(-3);
    const message =
      `ffmpeg ended with ${how} for ${redactText(this.#input)}` +
      (lastLines.length ? `: ${lastLines.join(' | ')}` : '');
    return new PipelineError(code, message, { details: { exitCode: exit.code, signal: exit.signal } });
  }
}
