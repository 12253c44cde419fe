import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { analyticsJson } from '../analytics/frame-analytics.js';
import { PipelineError } from '../errors.js';
import { predictionJson, stringifyPrediction } from './serialize.js';
import { type ClosableSink, forEachFrame, withClose } from './types.js';

/** Largest UDP payload over IPv4. */
export const MAX_UDP_PAYLOAD = 65_507;

/** Options of {@link udpSink}. */
export interface UdpSinkOptions {
  /** Allow sending to broadcast addresses (default true, as Roboflow's UDPSink). */
  broadcast?: boolean;
}

/** Metadata added to each datagram, as in Roboflow's UDPSink. */
export interface UdpInferenceMetadata {
  source_id: number;
  frame_id: number;
  /** When the frame was decoded (its `frameTimestamp`), ISO-8601. */
  frame_decoding_time: string;
  /** When the datagram was sent, ISO-8601. */
  emission_time: string;
}

/**
 * Sink sending one JSON datagram per frame: the prediction's JSON (a Roboflow response for
 * core models) plus `inference_metadata` ({@link UdpInferenceMetadata}). A non-object
 * prediction is sent as `{ "predictions": <value>, "inference_metadata": … }`. The
 * prediction object is not modified. A payload larger than 65 507 bytes is refused with
 * `PIPE_ERR_SINK_PAYLOAD_TOO_LARGE` (becoming a sink error event) instead of being cut.
 *
 * @example
 * const sink = udpSink('127.0.0.1', 9090);
 * // each datagram: {"inference_id":…,"predictions":[…],"inference_metadata":{"source_id":0,"frame_id":1,…}}
 */
export function udpSink<P = unknown>(
  host: string,
  port: number,
  options: UdpSinkOptions = {},
): ClosableSink<P> {
  const socket: Socket = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4', reuseAddr: true });
  let bound: Promise<void> | undefined;
  let closed = false;
  // Binding lazily lets setBroadcast/setSendBufferSize run on a bound socket.
  const ready = () =>
    (bound ??= new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        if (options.broadcast ?? true) socket.setBroadcast(true);
        socket.setSendBufferSize(65_536);
        resolve();
      });
    }));
  socket.on('error', () => {}); // send errors are reported through the send callback
  return withClose<P>(
    (predictions, frames) =>
      forEachFrame(predictions, frames, async (p, frame) => {
        if (closed) throw new PipelineError('PIPE_ERR_SINK_CLOSED', 'udp sink is closed');
        await ready();
        const json = predictionJson(p);
        const inference_metadata: UdpInferenceMetadata = {
          source_id: frame.sourceId,
          frame_id: frame.frameId,
          frame_decoding_time: new Date(frame.frameTimestamp).toISOString(),
          emission_time: new Date().toISOString(),
        };
        const analytics = frame.analytics ? { analytics: analyticsJson(frame.analytics) } : {};
        const body =
          typeof json === 'object' && json !== null && !Array.isArray(json)
            ? { ...json, ...analytics, inference_metadata }
            : { predictions: json, ...analytics, inference_metadata };
        const payload = Buffer.from(stringifyPrediction(body));
        if (payload.length > MAX_UDP_PAYLOAD) {
          throw new PipelineError(
            'PIPE_ERR_SINK_PAYLOAD_TOO_LARGE',
            `prediction for source ${frame.sourceId} frame ${frame.frameId} is ${payload.length} bytes, over ${MAX_UDP_PAYLOAD}`,
          );
        }
        await new Promise<void>((resolve, reject) => {
          socket.send(payload, port, host, (err) =>
            err
              ? reject(
                  new PipelineError('PIPE_ERR_SINK_FAILED', `UDP send to ${host}:${port} failed`, {
                    cause: err,
                  }),
                )
              : resolve(),
          );
        });
      }),
    async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // never bound: nothing to close
        }
      });
    },
    async () => {
      // an unknown host would fail every datagram: refuse it before the first frame
      if (isIP(host) === 0) {
        try {
          await lookup(host);
        } catch (e) {
          throw new PipelineError('PIPE_ERR_SINK_OPEN', `udp sink: cannot resolve host "${host}"`, {
            cause: e,
          });
        }
      }
      if (!Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new PipelineError('PIPE_ERR_SINK_OPEN', `udp sink: ${port} is not a port`);
      }
      await ready();
    },
  );
}
