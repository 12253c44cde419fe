import { readFileSync } from 'node:fs';
import { startStreamManager } from '@inference-ts/stream-manager';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { examplesText, withExamples } from '../help.js';
import { parseInteger, parseNumber } from '../options.js';

const DEFAULT_HOST = 'http://127.0.0.1:7070';

interface HostFlags {
  host?: string;
  apiKey?: string;
}

const hostOf = (f: HostFlags) =>
  (f.host ?? process.env.STREAM_MANAGER_URL ?? DEFAULT_HOST).replace(/\/+$/, '');

/** One call to the stream API; a non-2xx answer becomes a CliError with the server's message. */
async function api(
  flags: HostFlags,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const url = `${hostOf(flags)}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(flags.apiKey ? { authorization: `Bearer ${flags.apiKey}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new CliError(
      `cannot reach the stream API at ${hostOf(flags)} (${(e as Error).message}); start one with \`inference stream-manager start\` or give --host`,
      1,
      e,
    );
  }
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new CliError(`${res.status}: ${String(data.message ?? data.detail ?? res.statusText)}`);
  return data;
}

const print = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
};
const collect = (v: string, prev: string[] = []) => [...prev, v];

interface StartFlags extends HostFlags {
  source: string[];
  model?: string;
  workflow?: string;
  workspace?: string;
  workflowId?: string;
  param?: string[];
  maxFps?: number;
  track?: boolean;
  confidence?: number;
  bufferSize?: number;
  consumptionTimeout?: number;
}

/** The initialise body for `streams start` (Roboflow's payload; `--model` uses our ModelConfiguration). */
export function startPayload(f: StartFlags): Record<string, unknown> {
  const kinds = [f.model, f.workflow, f.workspace ?? f.workflowId].filter((x) => x !== undefined).length;
  if (kinds !== 1)
    throw new CliError('give one of --model, --workflow <file.json>, or --workspace with --workflow-id');
  const refs = f.source.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const params: Record<string, unknown> = {};
  for (const p of f.param ?? []) {
    const i = p.indexOf('=');
    if (i <= 0) throw new CliError(`--param must be name=value, got ${JSON.stringify(p)}`);
    const raw = p.slice(i + 1);
    try {
      params[p.slice(0, i)] = JSON.parse(raw);
    } catch {
      params[p.slice(0, i)] = raw;
    }
  }
  let processing: Record<string, unknown>;
  if (f.model) {
    processing = {
      type: 'ModelConfiguration',
      model_id: f.model,
      tracking: f.track === true,
      ...(f.confidence !== undefined ? { confidence: f.confidence } : {}),
    };
  } else if (f.workflow) {
    let spec: unknown;
    try {
      spec = JSON.parse(readFileSync(f.workflow, 'utf8'));
    } catch (e) {
      throw new CliError(`cannot read the workflow ${f.workflow}: ${(e as Error).message}`);
    }
    // a file may hold the specification itself or Roboflow's export {"specification": ...}
    const s = spec as { specification?: unknown };
    processing = {
      type: 'WorkflowConfiguration',
      workflow_specification: s.specification ?? spec,
      workflows_parameters: params,
    };
  } else {
    if (!f.workspace || !f.workflowId) throw new CliError('--workspace and --workflow-id go together');
    processing = {
      type: 'WorkflowConfiguration',
      workspace_name: f.workspace,
      workflow_id: f.workflowId,
      workflows_parameters: params,
    };
  }
  return {
    video_configuration: {
      type: 'VideoConfiguration',
      video_reference: refs.length === 1 ? refs[0] : refs,
      ...(f.maxFps !== undefined ? { max_fps: f.maxFps } : {}),
    },
    processing_configuration: processing,
    ...(f.bufferSize !== undefined
      ? { sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: f.bufferSize } }
      : {}),
    ...(f.consumptionTimeout !== undefined ? { consumption_timeout: f.consumptionTimeout } : {}),
  };
}

/**
 * `inference streams ...`: drive a stream API (the manager's own port, or a server with
 * ENABLE_STREAM_API) with Roboflow's routes; and `inference stream-manager start`.
 */
export function registerStreams(program: Command): void {
  const streams = program
    .command('streams')
    .description("pipelines run by a stream manager (Roboflow's /inference_pipelines API)")
    .addHelpText(
      'after',
      examplesText([
        ['stream-manager start', 'run the manager on 127.0.0.1:7070 (console at http://127.0.0.1:7070/)'],
        ['streams start -s rtsp://cam/1 -m yolov8n-640 --track', 'start a pipeline; prints its id'],
        ['streams consume <id> --follow', 'print results as they come'],
        [
          'streams list --host http://localhost:9001',
          'pipelines of a server started with ENABLE_STREAM_API=true',
        ],
      ]),
    );
  const withHost = (c: Command) =>
    c
      .option('--host <url>', `stream API base URL (default: $STREAM_MANAGER_URL or ${DEFAULT_HOST})`)
      .option('--api-key <key>', 'Roboflow API key, sent as a Bearer header (overrides the payload)');

  withHost(
    withExamples(streams.command('list').description('ids of the running pipelines'), [
      ['streams list', 'pipelines of the manager on 127.0.0.1:7070'],
      ['streams list --host http://localhost:9001', 'pipelines of a server with ENABLE_STREAM_API=true'],
    ]),
  ).action(async (f: HostFlags) => {
    print(await api(f, 'GET', '/inference_pipelines/list'));
  });

  withHost(
    streams
      .command('start')
      .description('start a pipeline from a source and a model or workflow; prints its id')
      .requiredOption(
        '-s, --source <ref>',
        'video file, rtsp/http URL or camera index (repeatable: several sources)',
        collect,
      )
      .option('-m, --model <id>', 'one model (our ModelConfiguration shorthand)')
      .option('--workflow <file>', 'a workflow specification JSON file')
      .option('--workspace <name>', 'Roboflow workspace of a named workflow')
      .option('--workflow-id <id>', 'Roboflow workflow id')
      .option('--param <name=value>', 'workflow parameter (repeatable; JSON values allowed)', collect)
      .option('--max-fps <n>', 'rate cap per source', parseNumber('--max-fps', 0))
      .option('--track', 'ByteTrack over the model (with --model)')
      .option('--confidence <x>', 'minimum confidence (with --model)', parseNumber('--confidence', 0, 1))
      .option('--buffer-size <n>', 'results kept for consume (default 64)', parseInteger('--buffer-size', 1))
      .option(
        '--consumption-timeout <s>',
        'terminate when not consumed for this long',
        parseNumber('--consumption-timeout', 0),
      )
      .addHelpText(
        'after',
        examplesText([
          ['streams start -s video.mp4 -m yolov8n-640 --track', 'one model on a file, with tracking'],
          [
            "streams start -s rtsp://cam/1 --workflow count.json --param 'zone=[[0,0],[640,0],[640,480]]'",
            'an inline workflow',
          ],
        ]),
      ),
  ).action(async (f: StartFlags) => {
    const r = await api(f, 'POST', '/inference_pipelines/initialise', startPayload(f));
    process.stdout.write(`${(r.context as { pipeline_id: string }).pipeline_id}\n`);
  });

  for (const [name, method, what] of [
    ['status', 'GET', "the pipeline's report (latency, throughput, sources, recent events)"],
    ['pause', 'POST', 'mute: sources keep reading, frames are dropped'],
    ['resume', 'POST', 'undo pause'],
    ['terminate', 'POST', 'stop the pipeline and its process'],
  ] as const) {
    withHost(
      withExamples(streams.command(`${name} <pipelineId>`).description(what), [
        [`streams ${name} 7f3c2d1e-5a6b-4c8d-9e0f-123456789abc`, what],
      ]),
    ).action(async (id: string, f: HostFlags) => {
      print(
        await api(
          f,
          method,
          `/inference_pipelines/${encodeURIComponent(id)}/${name}`,
          method === 'POST' ? {} : undefined,
        ),
      );
    });
  }

  withHost(
    streams
      .command('consume <pipelineId>')
      .description(
        'pop the oldest buffered result (one JSON object; --follow: one line per result until Ctrl-C)',
      )
      .option('--exclude <names>', 'outputs to leave out (comma list)')
      .option('--follow', 'keep consuming')
      .addHelpText(
        'after',
        examplesText([
          ['streams consume <id>', 'the oldest buffered result'],
          ['streams consume <id> --follow --exclude frame', 'stream results as JSON lines, without images'],
        ]),
      ),
  ).action(async (id: string, f: HostFlags & { exclude?: string; follow?: boolean }) => {
    const q = f.exclude ? `?excluded_fields=${encodeURIComponent(f.exclude)}` : '';
    const path = `/inference_pipelines/${encodeURIComponent(id)}/consume${q}`;
    if (!f.follow) {
      print(await api(f, 'GET', path));
      return;
    }
    for (;;) {
      const r = await api(f, 'GET', path);
      if ((r.outputs as unknown[]).length > 0)
        process.stdout.write(
          `${JSON.stringify({ outputs: r.outputs, frames_metadata: r.frames_metadata })}\n`,
        );
      else await new Promise((res) => setTimeout(res, 100));
    }
  });

  const manager = withExamples(program.command('stream-manager').description('the stream manager service'), [
    ['stream-manager start', 'serve the API and the console on 127.0.0.1:7070'],
  ]);
  manager
    .command('start')
    .addHelpText(
      'after',
      examplesText([
        ['stream-manager start', 'serve the API and the console on 127.0.0.1:7070'],
        [
          'stream-manager start --port 7071 --state-dir /var/lib/inference-streams',
          'another port and state folder',
        ],
      ]),
    )
    .description('run the stream manager in the foreground (STREAM_MANAGER_* variables apply, flags win)')
    .option('--host <host>', 'interface (default: $STREAM_MANAGER_HOST or 127.0.0.1)')
    .option('-p, --port <port>', 'port (default: $STREAM_MANAGER_PORT or 7070)', parseInteger('--port', 0))
    .option('--state-dir <dir>', 'desired-state folder (default: $STREAM_MANAGER_STATE_DIR)')
    .action(async (f: { host?: string; port?: number; stateDir?: string }) => {
      if (f.stateDir) process.env.STREAM_MANAGER_STATE_DIR = f.stateDir;
      await startStreamManager({
        ...(f.host ? { host: f.host } : {}),
        ...(f.port !== undefined ? { port: f.port } : {}),
      });
      await new Promise(() => undefined); // until a signal stops it
    });
}
