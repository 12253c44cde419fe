import { execFile } from 'node:child_process';
import { PipelineError } from '../errors.js';
import { redactText } from './redact.js';

/** Properties of a video stream as ffprobe reports them. */
export interface ProbeResult {
  width: number;
  height: number;
  /** avg_frame_rate, else r_frame_rate; 0 when unknown. */
  fps: number;
  /** nb_frames, else round(duration × fps); undefined for live streams. */
  totalFrames?: number;
  durationSec?: number;
  codec?: string;
}

/** "30000/1001" -> 29.97; "0/0" or garbage -> 0. */
export function parseRate(rate: unknown): number {
  if (typeof rate !== 'string') return 0;
  const [n, d = '1'] = rate.split('/');
  const value = Number(n) / Number(d);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function positive(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Turns ffprobe's `-show_streams -show_format` JSON into a `ProbeResult`. */
export function parseProbeJson(json: unknown): ProbeResult | undefined {
  const doc = json as { streams?: Record<string, unknown>[]; format?: Record<string, unknown> };
  const stream = doc.streams?.find((s) => s.codec_type === 'video');
  if (!stream) return undefined;
  const width = positive(stream.width);
  const height = positive(stream.height);
  if (!width || !height) return undefined;
  const fps = parseRate(stream.avg_frame_rate) || parseRate(stream.r_frame_rate);
  const durationSec = positive(stream.duration) ?? positive(doc.format?.duration);
  const totalFrames =
    positive(stream.nb_frames) ?? (durationSec && fps ? Math.round(durationSec * fps) : undefined);
  const result: ProbeResult = { width, height, fps };
  if (totalFrames !== undefined) result.totalFrames = totalFrames;
  if (durationSec !== undefined) result.durationSec = durationSec;
  if (typeof stream.codec_name === 'string') result.codec = stream.codec_name;
  return result;
}

/**
 * Probes the first video stream with ffprobe (JSON output).
 * @throws PipelineError `PIPE_ERR_PROBE_FAILED` (message redacted)
 * @example
 * const p = await probeVideo('/usr/bin/ffprobe', 'example_video.mp4');
 * // { width: 426, height: 240, fps: 30, totalFrames: 431, durationSec: 14.37, codec: 'h264' }
 */
export function probeVideo(
  ffprobePath: string,
  input: string,
  options: { inputArgs?: readonly string[]; timeoutMs?: number } = {},
): Promise<ProbeResult> {
  const args = [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_streams',
    '-show_format',
    ...(options.inputArgs ?? []),
    '-i',
    input,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      ffprobePath,
      args,
      { timeout: options.timeoutMs ?? 15_000, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const where = redactText(input);
        if (err) {
          const reason = redactText(String(stderr).trim().split('\n').slice(-2).join(' | ')) || 'timed out';
          reject(new PipelineError('PIPE_ERR_PROBE_FAILED', `ffprobe failed for ${where}: ${reason}`));
          return;
        }
        let parsed: ProbeResult | undefined;
        try {
          parsed = parseProbeJson(JSON.parse(String(stdout)));
        } catch {
          parsed = undefined;
        }
        if (parsed) resolve(parsed);
        else reject(new PipelineError('PIPE_ERR_PROBE_FAILED', `${where} has no decodable video stream`));
      },
    );
  });
}
