import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { encodeImage } from '@inference-ts/core';
import type { AnnotateOptions } from '@inference-ts/core/annotate';
import { PipelineError } from '../errors.js';
import { annotatingRenderer, type FrameRenderer } from './render.js';
import { type ClosableSink, withClose } from './types.js';

/** Options of {@link mjpegPreviewSink}. */
export interface MjpegPreviewOptions<P = unknown> {
  /** TCP port (default 0 = any free port; read `url` afterwards). */
  port?: number;
  /** Interface to listen on (default '127.0.0.1'; use '0.0.0.0' to expose it). */
  host?: string;
  /** JPEG quality 1..100 (default 80). */
  quality?: number;
  annotate?: AnnotateOptions;
  render?: FrameRenderer<P>;
}

/** A running MJPEG preview. */
export interface MjpegPreviewSink<P> extends ClosableSink<P> {
  /** `http://host:port/`: the stream of source 0 (`/source/<id>` for others, `/snapshot.jpg?source=<id>` for one JPEG). */
  readonly url: string;
  /** Clients watching now. */
  readonly clients: number;
}

/** Multipart boundary between JPEG parts. */
export const MJPEG_BOUNDARY = 'inference-ts-frame';

interface Channel {
  clients: Set<ServerResponse>;
  latest?: Buffer;
  /** The running encode loop, if any. */
  encoding?: Promise<void>;
  /** Newest frame waiting while an encode runs (older waiting frames are simply replaced). */
  pending?: () => ReturnType<FrameRenderer>;
}

function part(jpeg: Buffer): Buffer {
  const head = `--${MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), jpeg, Buffer.from('\r\n')]);
}

/**
 * Sink serving a live preview over HTTP as `multipart/x-mixed-replace` JPEG (MJPEG), which
 * browsers show directly: open `sink.url`. Only the latest frame matters: frames are
 * encoded only while someone watches, at most one encode per source runs at a time
 * (newer frames replace a waiting one), and a slow client skips frames instead of
 * queueing them. The sink never waits for encoding or clients. `close()` ends every
 * client and the server.
 *
 * @example
 * const preview = await mjpegPreviewSink({ port: 8090 });
 * console.log(`open ${preview.url}`);   // http://127.0.0.1:8090/
 */
export async function mjpegPreviewSink<P = unknown>(
  options: MjpegPreviewOptions<P> = {},
): Promise<MjpegPreviewSink<P>> {
  const render = options.render ?? annotatingRenderer<P>(options.annotate);
  const quality = options.quality ?? 80;
  const channels = new Map<number, Channel>();
  const sockets = new Set<Socket>();
  let encodeError: unknown;
  let closing: Promise<void> | undefined;

  const channel = (id: number): Channel => {
    let c = channels.get(id);
    if (!c) {
      c = { clients: new Set() };
      channels.set(id, c);
    }
    return c;
  };

  const send = (res: ServerResponse, jpeg: Buffer) => {
    // A client still flushing the previous part skips this one.
    if (res.writableNeedDrain || res.destroyed) return;
    res.write(part(jpeg));
  };

  const loop = async (c: Channel) => {
    try {
      while (c.pending && !closing) {
        const draw = c.pending;
        c.pending = undefined;
        const jpeg = await encodeImage(draw(), 'jpeg', quality);
        c.latest = jpeg;
        for (const res of c.clients) send(res, jpeg);
      }
    } catch (e) {
      encodeError = e;
    } finally {
      c.encoding = undefined;
    }
  };
  /** Encode the waiting frame (if any) unless an encode already runs; resolves when the loop is idle. */
  const refresh = (c: Channel): Promise<void> => {
    if (!c.encoding && c.pending && !closing) c.encoding = loop(c);
    return c.encoding ?? Promise.resolve();
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const stream = url.pathname === '/' ? 0 : /^\/source\/(\d+)$/.exec(url.pathname)?.[1];
    if (url.pathname === '/snapshot.jpg') {
      const id = Number(url.searchParams.get('source') ?? 0);
      if (!validSourceId(id)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      const c = channel(id);
      void refresh(c).then(() => {
        if (!c.latest) {
          res.writeHead(503, { 'Content-Type': 'text/plain', 'Retry-After': '1' }).end('no frame yet');
          return;
        }
        res.writeHead(200, {
          'Content-Type': 'image/jpeg',
          'Content-Length': c.latest.length,
          'Cache-Control': 'no-store',
        });
        res.end(c.latest);
      });
      return;
    }
    if (stream === undefined || !validSourceId(Number(stream)) || req.method !== 'GET' || closing) {
      res
        .writeHead(closing ? 503 : 404, { 'Content-Type': 'text/plain' })
        .end(closing ? 'closing' : 'not found');
      return;
    }
    const c = channel(Number(stream));
    res.writeHead(200, {
      'Content-Type': `multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`,
      'Cache-Control': 'no-store, no-cache, must-revalidate',
      Pragma: 'no-cache',
      Connection: 'close',
    });
    c.clients.add(res);
    res.on('close', () => c.clients.delete(res));
    if (c.pending) void refresh(c);
    else if (c.latest) send(res, c.latest);
  };

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        new PipelineError(
          'PIPE_ERR_SINK_OPEN',
          `MJPEG preview cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
          { cause: e },
        ),
      ),
    );
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  // later server errors must not crash the process (the listen-time listener above is used up)
  server.on('error', (e) => {
    encodeError ??= e;
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/`;

  const sink = withClose<P>(
    (predictions, frames) => {
      if (closing) throw new PipelineError('PIPE_ERR_SINK_CLOSED', 'MJPEG preview is closed');
      if (encodeError) {
        const e = encodeError;
        encodeError = undefined;
        throw new PipelineError('PIPE_ERR_SINK_FAILED', 'MJPEG preview could not encode a frame', {
          cause: e,
        });
      }
      frames.forEach((frame, i) => {
        if (!frame) return;
        const c = channel(frame.sourceId);
        // Drawing is deferred to the encoder, so frames nobody will see cost nothing.
        const prediction = predictions[i] ?? null;
        c.pending = () => render(frame, prediction);
        if (c.clients.size > 0) void refresh(c);
      });
    },
    () => {
      closing ??= new Promise<void>((resolve) => {
        for (const c of channels.values()) for (const res of c.clients) res.end();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }).then(async () => {
        await Promise.all([...channels.values()].map((c) => c.encoding));
      });
      return closing;
    },
  );
  return Object.defineProperties(sink, {
    url: { value: url, enumerable: true },
    clients: { get: () => [...channels.values()].reduce((n, c) => n + c.clients.size, 0) },
  }) as MjpegPreviewSink<P>;
}

/** Clients may only name plausible source ids, so they cannot grow the channel map without bound. */
const MAX_SOURCE_ID = 1023;
function validSourceId(id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id <= MAX_SOURCE_ID;
}
