/** Kinds of input that need different ffmpeg input flags. */
export type InputKind = 'file' | 'rtsp' | 'rtmp' | 'http' | 'hls' | 'webcam' | 'other';

/** Options that shape the input flags. */
export interface InputArgsOptions {
  /** RTSP lower transport (default 'tcp'). */
  rtspTransport?: 'tcp' | 'udp';
  /** Socket I/O timeout for network inputs in ms (default 10 000). */
  ioTimeoutMs?: number;
  /** Major ffmpeg version: RTSP's socket timeout flag is `-stimeout` before 5. */
  majorVersion: number;
  /** Webcam capture settings. */
  webcam?: { width?: number; height?: number; fps?: number; inputFormat?: string };
}

/**
 * Input flags per kind. Files get none (and never `-re`: pacing is done by the
 * source, not by ffmpeg). Network inputs get socket timeouts so a dead peer
 * ends ffmpeg instead of hanging it.
 */
export function inputArgs(kind: InputKind, options: InputArgsOptions): string[] {
  const us = String(Math.round((options.ioTimeoutMs ?? 10_000) * 1000));
  switch (kind) {
    case 'file':
      return [];
    case 'rtsp':
      return [
        '-rtsp_transport',
        options.rtspTransport ?? 'tcp',
        options.majorVersion >= 5 || options.majorVersion === 0 ? '-timeout' : '-stimeout',
        us,
      ];
    case 'rtmp':
    case 'http':
    case 'hls':
      return ['-rw_timeout', us];
    case 'webcam': {
      const w = options.webcam ?? {};
      const args = ['-f', 'v4l2'];
      if (w.inputFormat) args.push('-input_format', w.inputFormat);
      if (w.fps) args.push('-framerate', String(w.fps));
      if (w.width && w.height) args.push('-video_size', `${w.width}x${w.height}`);
      return args;
    }
    default:
      return [];
  }
}
