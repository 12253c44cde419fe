import { optionsFromEnv, readApiKeysFile, type ServerOptions, startServer } from '@inference-ts/server';
import {
  isFirstProcess,
  isForked,
  processesFromEnv,
  redisUrlFrom,
  runProcesses,
} from '@inference-ts/server/scale';
import { type Command, InvalidArgumentError } from 'commander';
import { examplesText } from '../help.js';
import { parseInteger, parseSessions } from '../options.js';
import { spawnLocalWorkers } from './worker.js';

const collect = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

interface ServerStartFlags {
  host?: string;
  port?: number;
  cacheDir?: string;
  apiKey?: string;
  apiUrl?: string;
  preload?: string[];
  pin?: string[];
  maxActiveModels?: number;
  threads?: number;
  sessions?: number | 'adaptive';
  provider?: string[];
  concurrency?: number;
  queueSize?: number;
  requestTimeout?: number;
  serverApiKey?: string[];
  serverApiKeysFile?: string;
  cors?: string[];
  allowLocalModelPaths?: boolean;
  allowModelUrls?: boolean;
  allowFileImages?: boolean;
  allowHttpImages?: boolean;
  allowPrivateImageUrls?: boolean;
  logLevel?: string;
  redis?: string | true;
  localWorkers?: number;
  processes?: number;
}

/** Environment first (Roboflow's variable names), flags on top. */
export function serverOptionsFrom(
  flags: ServerStartFlags,
  env: Record<string, string | undefined> = process.env,
) {
  const cfg = optionsFromEnv(env);
  const o: ServerOptions = cfg.options;
  const engine = { ...o.engineOptions, session: { ...o.engineOptions?.session } };
  if (flags.cacheDir) engine.cacheDir = flags.cacheDir;
  if (flags.apiKey) engine.apiKey = flags.apiKey;
  if (flags.apiUrl) engine.apiBaseUrl = flags.apiUrl;
  if (flags.maxActiveModels) engine.maxActiveModels = flags.maxActiveModels;
  if (flags.threads) engine.session.intraOpThreads = flags.threads;
  if (flags.sessions) engine.session.sessions = flags.sessions;
  if (flags.provider)
    engine.session.providers = flags.provider as NonNullable<typeof engine.session.providers>;
  o.engineOptions = engine;
  if (flags.preload) o.preloadModels = [...(o.preloadModels ?? []), ...flags.preload];
  if (flags.pin) o.pinnedModels = [...(o.pinnedModels ?? []), ...flags.pin];
  if (flags.concurrency || flags.queueSize)
    o.queue = {
      ...o.queue,
      concurrency: flags.concurrency ?? o.queue?.concurrency,
      maxQueued: flags.queueSize ?? o.queue?.maxQueued,
    };
  if (flags.requestTimeout) o.requestTimeoutMs = flags.requestTimeout;
  // keys given as flags replace those of the environment; a file is read here, so a bad path fails at start
  if (flags.serverApiKey || flags.serverApiKeysFile)
    o.apiKeys = [
      ...(flags.serverApiKey ?? []),
      ...(flags.serverApiKeysFile ? readApiKeysFile(flags.serverApiKeysFile) : []),
    ];
  if (flags.cors) o.corsOrigins = flags.cors;
  if (flags.allowLocalModelPaths || flags.allowModelUrls) {
    o.models = {
      ...o.models,
      ...(flags.allowLocalModelPaths ? { allowLocalPaths: true } : {}),
      ...(flags.allowModelUrls ? { allowUrls: true } : {}),
    };
  }
  const images = { ...o.images };
  if (flags.allowFileImages) images.allowFile = true;
  if (flags.allowHttpImages) images.allowHttpUrls = true;
  if (flags.allowPrivateImageUrls) images.allowPrivateUrls = true;
  o.images = images;
  if (flags.logLevel) o.logger = { level: flags.logLevel };
  // the HTTP front of a scale-out: inference goes through Redis to workers
  if (flags.redis) {
    const url = redisUrlFrom(flags.redis === true ? undefined : flags.redis, env);
    if (!url) throw new InvalidArgumentError('--redis needs a URL (redis://host:port) or REDIS_HOST');
    o.distributed = { ...o.distributed, url };
  }
  return { host: flags.host ?? cfg.host, port: flags.port ?? cfg.port, options: o };
}

/** `inference server start`: the HTTP server in the foreground (Ctrl-C stops it gracefully). */
export function registerServer(program: Command): void {
  const server = program.command('server').description('the Roboflow-compatible HTTP inference server');
  server.addHelpText(
    'after',
    examplesText([['server start --port 9001 --preload pp-ocr', 'serve on :9001']]),
  );
  server
    .command('start')
    .description(
      'start the server in the foreground; environment variables (PORT, MODEL_CACHE_DIR, ...) apply, flags win',
    )
    .option('--host <host>', 'interface to listen on (default: $HOST or 0.0.0.0)')
    .option('-p, --port <port>', 'port (default: $PORT or 9001)', parseInteger('--port', 0))
    .option('--cache-dir <dir>', 'model cache directory (default: $MODEL_CACHE_DIR)')
    .option('--api-key <key>', 'Roboflow API key for model downloads (default: $ROBOFLOW_API_KEY)')
    .option('--api-url <url>', 'Roboflow API base URL (default: $API_BASE_URL)')
    .option('--preload <ids>', 'models to load at start (comma list, repeatable; e.g. pp-ocr)', collect)
    .option('--pin <ids>', 'models to load at start and never evict', collect)
    .option('--max-active-models <n>', 'models kept loaded (LRU)', parseInteger('--max-active-models', 1))
    .option('--threads <n>', 'threads per ONNX Runtime session', parseInteger('--threads', 1))
    .option(
      '--sessions <n|adaptive>',
      "ONNX Runtime sessions per model ('adaptive': all threads when idle, a worker per core under load)",
      parseSessions,
    )
    .option('--provider <name>', 'execution provider, repeatable (cpu, cuda, ...)', collect)
    .option('--concurrency <n>', 'inferences per model at once (default 4)', parseInteger('--concurrency', 1))
    .option(
      '--queue-size <n>',
      'requests per model allowed to wait; more get 429 (default 4 x concurrency)',
      parseInteger('--queue-size', 0),
    )
    .option(
      '--request-timeout <ms>',
      'time limit of one inference request',
      parseInteger('--request-timeout', 1),
    )
    .option(
      '--server-api-keys-file <path>',
      'require one of the keys in this file (one per line) on every request; with $SERVER_API_KEYS or $SERVER_API_KEYS_FILE, the safe ways',
    )
    .option(
      '--server-api-key <keys>',
      'require one of these keys on every request (comma list; visible in ps: prefer --server-api-keys-file or $SERVER_API_KEYS)',
      collect,
    )
    .option('--cors <origins>', 'allowed CORS origins (comma list; * for all)', collect)
    .option('--allow-local-model-paths', 'let requests name model files and folders on this machine')
    .option('--allow-model-urls', 'let requests name model URLs')
    .option('--allow-file-images', 'let requests name image files on this machine ({type:"file"})')
    .option('--allow-http-images', 'allow plain http:// image URLs')
    .option('--allow-private-image-urls', 'allow image URLs on private and loopback addresses')
    .option('--log-level <level>', 'trace, debug, info, warn, error (default: $LOG_LEVEL or info)')
    .option(
      '--redis [url]',
      'run as the HTTP front of a scale-out: jobs go through Redis to `inference worker`s (no url: $REDIS_URL or $REDIS_HOST)',
    )
    .option(
      '--processes <n>',
      'server processes sharing the port, each with its share of the cores (default: $SERVER_PROCESSES or one per 4 cores)',
      parseInteger('--processes', 1),
    )
    .option(
      '--local-workers <n>',
      'with --redis: also start n worker processes on this machine',
      parseInteger('--local-workers', 1),
    )
    .addHelpText(
      'after',
      examplesText([
        ['server start --port 9001 --preload pp-ocr', 'serve on :9001 with the built-in OCR loaded'],
        ['server start --redis redis://localhost:6379 --local-workers 2', 'a front plus two local workers'],
        [
          'server start --pin coco/3 --api-key $ROBOFLOW_API_KEY --cors https://app.example.com',
          'a Roboflow model kept loaded',
        ],
      ]),
    )
    .action(async (flags: ServerStartFlags) => {
      const { host, port, options } = serverOptionsFrom(flags);
      if (flags.localWorkers && !options.distributed)
        throw new InvalidArgumentError('--local-workers needs --redis');
      const processes = flags.processes ?? processesFromEnv();
      await runProcesses(
        processes,
        () => startServer({ host, port, options, banner: isFirstProcess() }),
        (l) => process.stderr.write(`${l}\n`),
      );
      if (flags.localWorkers && options.distributed && !isForked())
        spawnLocalWorkers(flags.localWorkers, options.distributed.url);
    });
}
