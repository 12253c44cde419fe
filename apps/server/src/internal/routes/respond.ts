import type { FastifyReply } from 'fastify';
import type { InferenceOutput } from '../inference/run.js';
import type { Services } from '../services/index.js';

/**
 * Serialises results to Roboflow JSON (one envelope, or a list when the
 * request sent a list) and sends them as a ready string, timing the
 * serialisation as its own stage.
 */
export function sendResults(
  reply: FastifyReply,
  s: Services,
  model: string,
  out: InferenceOutput,
  many: boolean,
): FastifyReply {
  const t0 = performance.now();
  const bodies = out.results.map((r, i) => {
    const json: object = r.toJSON();
    const vis = out.visualizations?.[i];
    return vis ? { ...json, visualization: vis.toString('base64') } : json;
  });
  const text = JSON.stringify(many ? bodies : bodies[0]);
  const ms = (performance.now() - t0) / Math.max(1, bodies.length);
  for (let i = 0; i < bodies.length; i++) s.metrics.stage('serialize', model, ms);
  return reply.type('application/json').send(text);
}
