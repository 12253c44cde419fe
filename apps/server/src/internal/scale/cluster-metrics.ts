import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * `/metrics` across the processes of `SERVER_PROCESSES=N`. A scrape lands on
 * whichever process accepts the connection, so on its own each would show
 * 1/N of the traffic and a different 1/N on every scrape. The process that
 * got the scrape asks the primary, which collects every process's registry
 * over the cluster's IPC (prom-client's aggregation: counters and histograms
 * summed; gauges summed unless they declare another aggregator) and answers.
 */

const MESSAGE = 'inference:cluster-metrics';

interface Reply {
  type: typeof MESSAGE;
  id: number;
  text?: string;
  error?: string;
}

/** Primary only: answers the forked processes' requests for everyone's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, msg: { type?: string; id?: number }) => {
    if (msg?.type !== MESSAGE) return;
    const answer = (r: Omit<Reply, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: MESSAGE, id: msg.id, ...r });
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ text }),
      (e: Error) => answer({ error: e.message }),
    );
  });
}

let shared: Registry | undefined;
let nextId = 0;
const pending = new Map<number, (r: Reply) => void>();

/**
 * In a forked process: `registry` is what the primary collects from this
 * process (one server per process). A no-op outside a cluster.
 */
export function shareMetricsWithCluster(registry: Registry): void {
  if (!cluster.isWorker || shared) return;
  shared = registry;
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs prom-client's answer to the primary's collection requests
  process.on('message', (r: Reply) => {
    if (r?.type !== MESSAGE) return;
    pending.get(r.id)?.(r);
    pending.delete(r.id);
  });
}

/**
 * The metrics text of every server process, from a forked process; undefined
 * when this process is not part of a cluster (its own registry is the whole
 * story). Rejects when the primary does not answer within `timeoutMs`.
 */
export function clusterMetricsText(timeoutMs = 5000): Promise<string> | undefined {
  if (!shared || !process.send) return undefined;
  const id = ++nextId;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error('the primary process did not answer for the cluster metrics'));
    }, timeoutMs);
    pending.set(id, (r) => {
      clearTimeout(timer);
      if (r.error !== undefined) reject(new Error(r.error));
      else resolve(r.text ?? '');
    });
    process.send?.({ type: MESSAGE, id });
  });
}
