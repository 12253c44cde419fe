import cluster, { type Worker } from 'node:cluster';

/**
 * `/model/add`, `/model/remove` and `/model/clear` across the processes of
 * `SERVER_PROCESSES=N`. The route runs in the process that accepted the
 * request; it then tells the primary, which passes the operation on to every
 * other process and remembers the models added, so that a process started
 * later (one replacing a dead one) loads them too. The other processes load
 * in the background: the route answers once its own process has the model.
 */

const MESSAGE = 'inference:model-op';

export type ModelOp =
  | { op: 'add'; modelId: string; apiKey?: string }
  | { op: 'remove'; modelId: string }
  | { op: 'clear' };

/** What a process does with an operation another process received. */
export interface ModelOpTarget {
  add(modelId: string, apiKey?: string): Promise<unknown>;
  remove(modelId: string): Promise<unknown>;
  clear(): Promise<unknown>;
}

/** Primary only: relays each process's model operations to the others, and replays the added models to new ones. */
export function relayModelOps(): void {
  const added = new Map<string, string | undefined>();
  const send = (w: Worker | undefined, op: ModelOp) => {
    if (w?.isConnected()) w.send({ type: MESSAGE, ...op });
  };
  cluster.on('message', (from, msg: ModelOp & { type?: string }) => {
    if (msg?.type !== MESSAGE) return;
    const { type: _type, ...op } = msg;
    if (op.op === 'add') added.set(op.modelId, op.apiKey);
    else if (op.op === 'remove') added.delete(op.modelId);
    else added.clear();
    for (const w of Object.values(cluster.workers ?? {})) if (w !== from) send(w, op);
  });
  cluster.on('online', (w) => {
    for (const [modelId, apiKey] of added) send(w, { op: 'add', modelId, apiKey });
  });
}

let target: ModelOpTarget | undefined;

/**
 * In a forked process: carry out the operations other processes received on
 * `models` (failures go to `onError`; the process that got the request
 * already answered it). A no-op outside a cluster.
 */
export function followModelOps(models: ModelOpTarget, onError: (op: ModelOp, e: Error) => void): void {
  if (!cluster.isWorker || target) return;
  target = models;
  process.on('message', (msg: ModelOp & { type?: string }) => {
    if (msg?.type !== MESSAGE) return;
    const run =
      msg.op === 'add'
        ? models.add(msg.modelId, msg.apiKey)
        : msg.op === 'remove'
          ? models.remove(msg.modelId)
          : models.clear();
    run.catch((e: Error) => onError(msg, e));
  });
}

/** In a forked process: pass an operation this process carried out on to the others (no-op elsewhere). */
export function shareModelOp(op: ModelOp): void {
  if (target && process.send) process.send({ type: MESSAGE, ...op });
}
