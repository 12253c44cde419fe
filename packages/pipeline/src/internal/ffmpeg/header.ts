/** What ffmpeg reports about the input and the rawvideo output it is about to write. */
export interface StreamHeader {
  /** Native size of the input video stream (0 when not reported). */
  inputWidth: number;
  inputHeight: number;
  /** Declared fps of the input stream (0 when unknown). */
  inputFps: number;
  /** Size of every frame written to stdout. */
  outputWidth: number;
  outputHeight: number;
}

// ", 426x240 [SAR" or ", 426x240," — the leading ", " skips codec tags like "0x31637661".
const SIZE = /,\s(\d{1,5})x(\d{1,5})(?=[\s,[]|$)/;

/** Above this a 'tbr' is a timebase (RTSP cameras print '90k tbr'), not a frame rate. */
const MAX_PLAUSIBLE_FPS = 240;

function parseFps(line: string): number {
  // 'fps' is the frame rate; 'tbr' only a guess at it, and often the 90 kHz RTP clock
  const fps = /,\s([\d.]+)(k?)\sfps\b/.exec(line);
  const tbr = /,\s([\d.]+)(k?)\stbr\b/.exec(line);
  for (const m of [fps, tbr]) {
    if (!m || m[2]) continue;
    const value = Number(m[1]);
    if (Number.isFinite(value) && value > 0 && value <= MAX_PLAUSIBLE_FPS) return value;
  }
  return 0;
}

/**
 * Incremental parser of ffmpeg's stderr banner: feed lines until `done`.
 * Reads the first video stream of `Input #0` and of `Output #0`.
 */
export class StreamHeaderParser {
  #section: 'none' | 'input' | 'output' = 'none';
  #input?: { width: number; height: number; fps: number };
  #output?: { width: number; height: number };

  /** Feeds one stderr line; returns the header once the output stream line was seen. */
  push(line: string): StreamHeader | undefined {
    if (line.startsWith('Input #0')) this.#section = 'input';
    else if (line.startsWith('Output #0')) this.#section = 'output';
    else if (/^\s+Stream #\d+:\d+.*: Video: /.test(line)) {
      const size = SIZE.exec(line);
      if (this.#section === 'input' && !this.#input) {
        this.#input = {
          width: size ? Number(size[1]) : 0,
          height: size ? Number(size[2]) : 0,
          fps: parseFps(line),
        };
      } else if (this.#section === 'output' && !this.#output && size) {
        this.#output = { width: Number(size[1]), height: Number(size[2]) };
      }
    }
    return this.header;
  }

  /** The parsed header, or undefined while incomplete. */
  get header(): StreamHeader | undefined {
    if (!this.#output) return undefined;
    return {
      inputWidth: this.#input?.width || this.#output.width,
      inputHeight: this.#input?.height || this.#output.height,
      inputFps: this.#input?.fps ?? 0,
      outputWidth: this.#output.width,
      outputHeight: this.#output.height,
    };
  }
}
