import {
  type ClosableSink,
  jsonlSink,
  mjpegPreviewSink,
  type Sink,
  udpSink,
  videoFileSink,
} from '@inference-ts/pipeline';
import { CliError } from '../errors.js';

/** A parsed `--sink kind:target`. */
export type SinkSpec =
  | { kind: 'video'; path: string }
  | { kind: 'jsonl'; path: string }
  | { kind: 'udp'; host: string; port: number }
  | { kind: 'preview'; host: string; port: number };

function port(s: string, spec: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new CliError(`--sink ${spec}: "${s}" is not a port number`);
  return n;
}

/**
 * `video:out.mp4`, `jsonl:out.jsonl`, `udp:127.0.0.1:9999`, `preview:8090` or
 * `preview:0.0.0.0:8090`; anything else is a clear error.
 */
export function parseSinkSpec(spec: string): SinkSpec {
  const i = spec.indexOf(':');
  const kind = i < 0 ? spec : spec.slice(0, i);
  const rest = i < 0 ? '' : spec.slice(i + 1);
  switch (kind) {
    case 'video':
    case 'jsonl':
      if (!rest)
        throw new CliError(
          `--sink ${spec}: give a file, e.g. ${kind}:out.${kind === 'video' ? 'mp4' : 'jsonl'}`,
        );
      return { kind, path: rest };
    case 'udp': {
      const j = rest.lastIndexOf(':');
      if (j <= 0) throw new CliError(`--sink ${spec}: expected udp:<host>:<port>`);
      return { kind, host: rest.slice(0, j), port: port(rest.slice(j + 1), spec) };
    }
    case 'preview': {
      const j = rest.lastIndexOf(':');
      return j < 0
        ? { kind, host: '127.0.0.1', port: port(rest || '8090', spec) }
        : { kind, host: rest.slice(0, j), port: port(rest.slice(j + 1), spec) };
    }
    default:
      throw new CliError(`--sink ${spec}: unknown sink "${kind}" (video, jsonl, udp, preview)`);
  }
}

/**
 * Create the sinks; returns them with a line per sink saying where its output goes.
 * Only the preview listens at once; files are checked and created by the pipeline's
 * start. When one fails (a preview port in use), those already made are closed.
 */
export async function openSinks(specs: readonly SinkSpec[]): Promise<{ sinks: Sink[]; describe: string[] }> {
  const sinks: (Sink | ClosableSink)[] = [];
  const describe: string[] = [];
  try {
    await createSinks(specs, sinks, describe);
  } catch (e) {
    await Promise.allSettled(sinks.map(async (s) => s.close?.()));
    throw e;
  }
  return { sinks, describe };
}

async function createSinks(
  specs: readonly SinkSpec[],
  sinks: (Sink | ClosableSink)[],
  describe: string[],
): Promise<void> {
  for (const s of specs) {
    switch (s.kind) {
      case 'video':
        sinks.push(videoFileSink(s.path));
        describe.push(`annotated video -> ${s.path}`);
        break;
      case 'jsonl':
        sinks.push(jsonlSink(s.path));
        describe.push(`JSON lines -> ${s.path}`);
        break;
      case 'udp':
        sinks.push(udpSink(s.host, s.port));
        describe.push(`UDP JSON datagrams -> ${s.host}:${s.port}`);
        break;
      case 'preview': {
        const preview = await mjpegPreviewSink({ host: s.host, port: s.port });
        sinks.push(preview);
        describe.push(`live preview -> ${preview.url}`);
        break;
      }
    }
  }
}
