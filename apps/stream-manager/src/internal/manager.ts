import { randomUUID } from 'node:crypto';
import { StreamManagerError } from './errors.js';
import { toStreamError } from './failures.js';
import { NamedWorkflows } from './named-workflows.js';
import { type PipelineSpec, parseInitPayload } from './payload.js';
import type { SerialisedResult } from './pipeline-host.js';
import type { ConsumeValue, PreviewValue, SourceSummary, StatusValue } from './protocol.js';
import { ResultsBuffer } from './results-buffer.js';
import { DesiredStateStore } from './store.js';
import type { JsonObject } from './validate.js';
import { processTreeRss, WorkerProcess } from './worker-process.js';
import { compileWorkflow } from './workflow/compile.js';

/** Where a pipeline is in the manager's eyes. */
export type PipelineProcessState = 'STARTING' | 'RUNNING' | 'MUTED' | 'RESTARTING' | 'FAILED' | 'ENDED';

export interface StreamManagerOptions {
  /** Folder of the desired-state database (created 0700). Without it nothing survives a restart. */
  stateDir?: string;
  /** Refuse new pipelines when measured RSS (manager + pipelines) plus one more pipeline would exceed this. */
  maxRamMb?: number;
  /** Idle pipeline processes kept warm (Roboflow's STREAM_API_PRELOADED_PROCESSES). */
  preloadedProcesses?: number;
  /** Crash restarts per pipeline before it is left FAILED (default 5; the count resets after 60 s of good running). */
  maxRestarts?: number;
  /** First restart delay; doubles per attempt up to 30 s (default 1000 ms). */
  restartBackoffMs?: number;
  /** How long an ended pipeline (every source finished) stays for its last results before it is reaped (default 10 000 ms). */
  endedLingerMs?: number;
  /** Bound on `initialise` (model download and source connection included; default 120 000 ms). */
  initTimeoutMs?: number;
  /** Roboflow API base (named workflows, models); passed to pipeline processes as API_BASE_URL. */
  apiBaseUrl?: string;
  /** Default API key when a request brings none (ROBOFLOW_API_KEY). */
  apiKey?: string;
  /** Extra environment of pipeline processes (e.g. MODEL_CACHE_DIR, STREAM_PIPELINE_THREADS). */
  workerEnv?: NodeJS.ProcessEnv;
}

/** One row of the console / `streams list --verbose`. */
export interface PipelineSummary {
  pipelineId: string;
  state: PipelineProcessState;
  pipelineState: string | null;
  sources: SourceSummary[];
  pid: number | null;
  restarts: number;
  maxRestarts: number;
  lastExit: string | null;
  rssMb: number;
  resultsBuffered: number;
  resultsEvicted: number;
  description: string;
}

interface Entry {
  id: string;
  spec: PipelineSpec;
  workflow: JsonObject | null;
  createdAt: number;
  proc: WorkerProcess | undefined;
  state: PipelineProcessState;
  muted: boolean;
  restarts: number;
  lastExit: string | null;
  lastConsumedAt: number;
  rssBytes: number;
  lastStatus: StatusValue | undefined;
  /** When `lastStatus` arrived (pushed or asked for); 0 = stale. */
  lastStatusAt: number;
  /** Results pushed by the process, kept here for consume (Roboflow's in-memory sink, bounded). */
  buffer: ResultsBuffer<SerialisedResult>;
  restartTimer: NodeJS.Timeout | undefined;
  reapTimer: NodeJS.Timeout | undefined;
  /** Set once terminate started: no restart, no revival. */
  gone: boolean;
}

const TERMINATE_BOUND_MS = 1500;
const COMMAND_TIMEOUT_MS = 5000;
/** A pushed report younger than this answers status without asking the process. */
const STATUS_FRESH_MS = 1500;

function describe(spec: PipelineSpec): string {
  const p = spec.processing;
  const what =
    p.type === 'ModelConfiguration'
      ? p.modelId
      : p.workflowSpecification
        ? 'inline workflow'
        : `${p.workspaceName}/${p.workflowId}`;
  return `${spec.video.videoReference.map((r) => String(r).replace(/\/\/[^@/]*@/, '//***@')).join(', ')} → ${what}`;
}

/**
 * The stream manager: a table of pipelines, each in its own OS process, driven over
 * typed IPC. Commands for different pipelines never wait on each other (each awaits
 * only its own process). Crashed processes are restarted with back-off; the desired
 * state lives in SQLite so a restarted manager brings its pipelines back under the
 * same ids.
 */
export class StreamManager {
  readonly options: StreamManagerOptions;
  readonly #table = new Map<string, Entry>();
  readonly #warm: WorkerProcess[] = [];
  /** Processes being initialised (not in the table yet), so close() reaps them too. */
  readonly #starting = new Set<WorkerProcess>();
  readonly #store: DesiredStateStore | undefined;
  readonly #workflows: NamedWorkflows;
  readonly #health: NodeJS.Timeout;
  #closed = false;
  #estimatePerPipeline = 0;

  constructor(options: StreamManagerOptions = {}) {
    this.options = options;
    this.#store = options.stateDir ? new DesiredStateStore(options.stateDir) : undefined;
    this.#workflows = new NamedWorkflows(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl } : {});
    this.#health = setInterval(() => this.#healthCheck(), 1000);
    this.#health.unref();
    this.#topUpWarm();
  }

  get maxRestarts(): number {
    return this.options.maxRestarts ?? 5;
  }

  /** Brings back every pipeline of the desired state (same ids). Resolves when each got its first start attempt. */
  async restore(): Promise<string[]> {
    const rows = this.#store?.all() ?? [];
    await Promise.all(
      rows.map(async (row) => {
        const entry = this.#newEntry(row.id, row.spec, row.workflow, row.muted, row.createdAt);
        entry.state = 'STARTING';
        this.#table.set(row.id, entry);
        try {
          await this.#launch(entry);
        } catch (e) {
          this.#crashed(entry, `restore failed: ${toStreamError(e).message}`);
        }
      }),
    );
    return rows.map((r) => r.id);
  }

  #newEntry(
    id: string,
    spec: PipelineSpec,
    workflow: JsonObject | null,
    muted: boolean,
    createdAt: number,
  ): Entry {
    return {
      id,
      spec,
      workflow,
      createdAt,
      proc: undefined,
      state: 'STARTING',
      muted,
      restarts: 0,
      lastExit: null,
      lastConsumedAt: Date.now(),
      rssBytes: 0,
      lastStatus: undefined,
      lastStatusAt: 0,
      buffer: new ResultsBuffer(spec.resultsBufferSize),
      restartTimer: undefined,
      reapTimer: undefined,
      gone: false,
    };
  }

  #spawn(): WorkerProcess {
    const env: NodeJS.ProcessEnv = { ...this.options.workerEnv };
    if (this.options.apiBaseUrl) env.API_BASE_URL = this.options.apiBaseUrl;
    return new WorkerProcess({ env });
  }

  #takeProcess(): WorkerProcess {
    while (this.#warm.length > 0) {
      const p = this.#warm.shift()!;
      if (p.alive) {
        this.#topUpWarm();
        return p;
      }
    }
    return this.#spawn();
  }

  #topUpWarm(): void {
    const want = this.options.preloadedProcesses ?? 0;
    for (let i = this.#warm.filter((p) => p.alive).length; i < want && !this.#closed; i++)
      this.#warm.push(this.#spawn());
  }

  /** Starts `entry` in a (warm or new) process; throws when its init fails (the process is then killed). */
  async #launch(entry: Entry): Promise<void> {
    const proc = this.#takeProcess();
    this.#starting.add(proc);
    // registered before init: results may arrive ahead of its reply
    proc.onResult((r) => {
      if (!entry.gone) entry.buffer.push(r);
    });
    proc.onStatus((v) => {
      if (entry.proc !== proc) return;
      entry.lastStatus = v;
      entry.lastStatusAt = Date.now();
    });
    try {
      await proc.request(
        { type: 'init', pipelineId: entry.id, spec: entry.spec, workflow: entry.workflow },
        this.options.initTimeoutMs ?? 120_000,
      );
      if (entry.muted) await proc.request({ type: 'mute' }, COMMAND_TIMEOUT_MS);
    } catch (e) {
      this.#starting.delete(proc);
      await proc.stop(300);
      throw e;
    }
    this.#starting.delete(proc);
    if (entry.gone || this.#closed) {
      await proc.stop(TERMINATE_BOUND_MS);
      return;
    }
    entry.proc = proc;
    entry.state = entry.muted ? 'MUTED' : 'RUNNING';
    proc.onEnded((state) => this.#ended(entry, proc, state));
    void proc.exited.then(({ code, signal }) => {
      if (entry.proc !== proc || entry.gone || entry.state === 'ENDED') return;
      entry.proc = undefined;
      if (Date.now() - proc.startedAt > 60_000) entry.restarts = 0;
      this.#crashed(entry, `exited with ${signal ?? `code ${code}`}`);
    });
  }

  #crashed(entry: Entry, why: string): void {
    if (entry.gone || this.#closed) return;
    entry.lastExit = why;
    if (entry.restarts >= this.maxRestarts) {
      entry.state = 'FAILED';
      return;
    }
    entry.state = 'RESTARTING';
    const delay = Math.min(30_000, (this.options.restartBackoffMs ?? 1000) * 2 ** entry.restarts);
    entry.restarts++;
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = undefined;
      if (entry.gone || this.#closed) return;
      this.#launch(entry).catch((e) => this.#crashed(entry, `restart failed: ${toStreamError(e).message}`));
    }, delay);
  }

  #ended(entry: Entry, proc: WorkerProcess, state: string): void {
    if (entry.proc !== proc || entry.gone) return;
    entry.state = 'ENDED';
    entry.lastExit = `pipeline ${state}`;
    entry.reapTimer = setTimeout(() => {
      void this.terminate(entry.id).catch(() => undefined);
    }, this.options.endedLingerMs ?? 10_000);
  }

  #get(id: string): Entry {
    const e = this.#table.get(id);
    if (!e || e.gone)
      throw new StreamManagerError('STREAM_ERR_NOT_FOUND', `Could not find InferencePipeline with id=${id}.`);
    return e;
  }

  #live(id: string): WorkerProcess {
    const e = this.#get(id);
    if (!e.proc?.alive)
      throw new StreamManagerError(
        'STREAM_ERR_OPERATION',
        `Pipeline ${id} is ${e.state}${e.lastExit ? ` (${e.lastExit})` : ''}.`,
      );
    return e.proc;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StreamManagerError('STREAM_ERR_SHUTTING_DOWN');
  }

  /** RAM admission: the measured total plus the largest pipeline seen (or 200 MB before any) must fit. */
  #admit(): void {
    const limit = this.options.maxRamMb;
    if (!limit) return;
    const mb = 1024 * 1024;
    let total = process.memoryUsage().rss;
    for (const e of this.#table.values()) total += e.rssBytes;
    for (const p of this.#warm) total += p.rssBytes();
    const estimate = this.#estimatePerPipeline || 200 * mb;
    if (total + estimate > limit * mb) {
      throw new StreamManagerError(
        'STREAM_ERR_RAM_LIMIT',
        `Refusing a new pipeline: ${Math.round(total / mb)} MB in use + ~${Math.round(estimate / mb)} MB for one more pipeline exceeds STREAM_MANAGER_MAX_RAM_MB=${limit}.`,
      );
    }
  }

  /**
   * Roboflow's `initialise`: checks the payload (and the workflow) before any process
   * starts, then starts the pipeline and resolves with its id once its sources are open.
   */
  async initialise(body: unknown, headerApiKey?: string): Promise<string> {
    this.#assertOpen();
    const spec = parseInitPayload(body, headerApiKey);
    if (!spec.apiKey && this.options.apiKey) spec.apiKey = this.options.apiKey;
    let workflow: JsonObject | null = null;
    const p = spec.processing;
    if (p.type === 'WorkflowConfiguration') {
      workflow =
        p.workflowSpecification ??
        (await this.#workflows.get(p.workspaceName!, p.workflowId!, p.workflowVersionId, spec.apiKey));
      compileWorkflow(workflow);
    }
    this.#admit();
    const id = randomUUID();
    const entry = this.#newEntry(id, spec, workflow, false, Date.now());
    await this.#launch(entry);
    if (this.#closed) throw new StreamManagerError('STREAM_ERR_SHUTTING_DOWN');
    this.#table.set(id, entry);
    this.#store?.put({ id, spec, workflow, muted: false, createdAt: entry.createdAt });
    return id;
  }

  /** Ids of every pipeline in the table. */
  list(): string[] {
    return [...this.#table.values()].filter((e) => !e.gone).map((e) => e.id);
  }

  /** Roboflow's status report, plus our process view. */
  async status(id: string): Promise<StatusValue & { process: PipelineSummary }> {
    const e = this.#get(id);
    // a report pushed within STATUS_FRESH_MS is answered at once; otherwise the process is asked
    if (e.proc?.alive && Date.now() - e.lastStatusAt > STATUS_FRESH_MS) {
      try {
        e.lastStatus = await e.proc.request<StatusValue>({ type: 'status' }, COMMAND_TIMEOUT_MS);
        e.lastStatusAt = Date.now();
      } catch (err) {
        if (!(err instanceof StreamManagerError) || err.code !== 'STREAM_ERR_WORKER_EXITED') throw err;
      }
    }
    const last = e.lastStatus ?? {
      report: {
        video_source_status_updates: [],
        latency_reports: [],
        inference_throughput: 0,
        sources_metadata: [],
      },
      state: e.state,
      sources: [],
      resultsEvicted: 0,
      resultsBuffered: 0,
    };
    return {
      ...last,
      resultsBuffered: e.buffer.size,
      resultsEvicted: e.buffer.evicted + last.resultsEvicted,
      process: this.#summary(e),
    };
  }

  #summary(e: Entry): PipelineSummary {
    const s = e.lastStatus;
    return {
      pipelineId: e.id,
      state: e.state,
      pipelineState: s?.state ?? null,
      sources: s?.sources ?? [],
      pid: e.proc?.alive ? (e.proc.pid ?? null) : null,
      restarts: e.restarts,
      maxRestarts: this.maxRestarts,
      lastExit: e.lastExit,
      rssMb: Math.round((e.rssBytes / 1048576) * 10) / 10,
      resultsBuffered: e.buffer.size,
      resultsEvicted: e.buffer.evicted + (s?.resultsEvicted ?? 0),
      description: describe(e.spec),
    };
  }

  /** Every pipeline with its latest figures (pushed by each process about once a second). */
  async summaries(): Promise<PipelineSummary[]> {
    const entries = [...this.#table.values()].filter((e) => !e.gone);
    await Promise.all(
      entries.map(async (e) => {
        if (!e.proc?.alive || Date.now() - e.lastStatusAt <= STATUS_FRESH_MS) return;
        e.lastStatus = await e.proc.request<StatusValue>({ type: 'status' }, 2000).catch(() => e.lastStatus);
        e.lastStatusAt = Date.now();
      }),
    );
    return entries.map((e) => this.#summary(e));
  }

  /** Roboflow's pause: "mute" (sources keep reading, frames are dropped). */
  async pause(id: string): Promise<void> {
    const proc = this.#live(id);
    await proc.request({ type: 'mute' }, COMMAND_TIMEOUT_MS);
    const e = this.#get(id);
    e.muted = true;
    e.state = 'MUTED';
    e.lastStatusAt = 0;
    this.#store?.setMuted(id, true);
  }

  async resume(id: string): Promise<void> {
    const proc = this.#live(id);
    await proc.request({ type: 'resume' }, COMMAND_TIMEOUT_MS);
    const e = this.#get(id);
    e.muted = false;
    e.state = 'RUNNING';
    e.lastStatusAt = 0;
    this.#store?.setMuted(id, false);
  }

  /** Stops a pipeline from any state (its process group is killed after 1.5 s at most) and forgets it. */
  async terminate(id: string): Promise<void> {
    const e = this.#get(id);
    e.gone = true;
    clearTimeout(e.restartTimer);
    clearTimeout(e.reapTimer);
    this.#store?.delete(id);
    try {
      await e.proc?.stop(TERMINATE_BOUND_MS);
    } finally {
      this.#table.delete(id);
    }
  }

  /**
   * Pops the oldest result (answered here: processes push their results as they make
   * them, so a busy pipeline never delays a consume, and results survive a restart).
   */
  async consume(id: string, excludedFields: string[] = []): Promise<ConsumeValue> {
    const e = this.#get(id);
    const r = e.buffer.shift();
    if (!r) return { outputs: [], frames_metadata: [], hadData: false };
    e.lastConsumedAt = Date.now();
    const outputs = excludedFields.length
      ? r.outputs.map((o) =>
          o ? Object.fromEntries(Object.entries(o).filter(([k]) => !excludedFields.includes(k))) : null,
        )
      : r.outputs;
    return { outputs, frames_metadata: r.frames_metadata, hadData: true };
  }

  /** The newest annotated frame of a source, or null before the first. */
  async preview(id: string, sourceId = 0): Promise<PreviewValue | null> {
    const proc = this.#live(id);
    return proc.request<PreviewValue | null>({ type: 'preview', sourceId }, COMMAND_TIMEOUT_MS);
  }

  #healthCheck(): void {
    const now = Date.now();
    let largest = 0;
    for (const e of this.#table.values()) {
      if (e.gone) continue;
      e.rssBytes = e.proc?.alive && e.proc.pid ? processTreeRss(e.proc.pid) : 0;
      largest = Math.max(largest, e.rssBytes);
      const timeout = e.spec.consumptionTimeout;
      if (timeout && now - e.lastConsumedAt > timeout * 1000 && e.state !== 'STARTING') {
        e.lastExit = 'consumption_timeout';
        void this.terminate(e.id).catch(() => undefined);
      }
    }
    if (largest > 0) this.#estimatePerPipeline = largest;
    this.#topUpWarm();
  }

  /** Pipelines and warm processes right now (pids), for tests and the CLI. */
  processes(): { pipelines: Record<string, number | undefined>; warm: (number | undefined)[] } {
    return {
      pipelines: Object.fromEntries(
        [...this.#table.values()].map((e) => [e.id, e.proc?.alive ? e.proc.pid : undefined]),
      ),
      warm: this.#warm.filter((p) => p.alive).map((p) => p.pid),
    };
  }

  /**
   * Stops every pipeline process (bounded) without touching the desired state, so the
   * next manager on the same state folder brings them back.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#health);
    const procs: WorkerProcess[] = [...this.#warm, ...this.#starting];
    for (const e of this.#table.values()) {
      clearTimeout(e.restartTimer);
      clearTimeout(e.reapTimer);
      if (e.proc) procs.push(e.proc);
    }
    await Promise.all(procs.map((p) => p.stop(TERMINATE_BOUND_MS)));
    this.#table.clear();
    this.#store?.close();
  }
}
