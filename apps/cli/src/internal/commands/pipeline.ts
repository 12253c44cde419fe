import {
  InferencePipeline,
  type PipelineReport,
  type SourceReport,
  type StatusEvent,
} from '@inference-ts/pipeline';
import type { Command } from 'commander';
import { engineFromOptions } from '../engine.js';
import { CliError } from '../errors.js';
import { withExamples } from '../help.js';
import { type EngineCliOptions, parseInteger, parseNumber } from '../options.js';
import { pipelineActiveLearningFromFlags } from './active-learning.js';
import { withEngineOptions } from './common.js';
import { inferOptionsFromFlags, withInferParamOptions } from './infer-params.js';
import { analyticsFromFlags, analyticsStatus, analyticsSummary } from './pipeline-analytics.js';
import { openSinks, parseSinkSpec } from './pipeline-sinks.js';

interface PipelineCliOptions extends EngineCliOptions {
  source: string[];
  model: string;
  maxFps?: number;
  track?: boolean;
  line: string[];
  zone: string[];
  zoneTime?: boolean;
  sink: string[];
  confidence?: number;
  iou?: number;
  rtspTransport?: 'tcp' | 'udp';
  failOnFirstConnect?: boolean;
  statusInterval: number;
  activeLearning?: string;
  activeLearningTarget?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** A webcam index stays a number; everything else is a path or URL. */
const reference = (s: string): string | number => (/^\d+$/.test(s) ? Number(s) : s);

function fmt(ms: number | null): string {
  return ms === null ? '-' : `${ms.toFixed(0)}ms`;
}

/** Printed once before the first status line (also in the README). */
export const STATUS_LEGEND =
  'status: fps = frames through the sinks per second; e2e = mean ms from decoding a frame to every sink ' +
  'done with it (last 64 frames; for files it includes the wait in the read-ahead buffer); ' +
  'model = ms per batch in the model; drops = frames skipped or lost; in flight = decoded, not yet through the sinks';

/** Frames a source decoded that are neither through the sinks nor dropped yet. */
function inFlight(s: SourceReport): number {
  return s.stats ? Math.max(0, s.stats.framesDecoded - s.framesProcessed - s.framesDropped) : 0;
}

/**
 * The source's state as a user reads it: a file whose decoder reached its end while frames
 * are still queued for the model or the sinks is not "ended" yet.
 */
function sourceLabel(s: SourceReport, pipelineState: string): string {
  const pending = inFlight(s);
  const pipelineDone = pipelineState === 'ENDED' || pipelineState === 'ERROR';
  if (s.state === 'ENDED' && pending > 0 && !pipelineDone) return `decoded, ${pending} in flight`;
  return s.state.toLowerCase();
}

/** One status line: fps, latency and drops per source, and a progress bar for files. */
export function statusLine(r: PipelineReport): string {
  const parts = r.sources.map((s) => {
    const total = s.properties?.isFile ? s.properties.totalFrames : undefined;
    let progress = '';
    if (total) {
      const frac = Math.min(1, s.framesProcessed / total);
      const width = 20;
      const filled = Math.round(frac * width);
      progress = ` [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0)}%`;
    }
    return `#${s.sourceId} ${sourceLabel(s, r.state)} ${s.throughputFps.toFixed(1)}fps e2e ${fmt(s.latency.endToEndMs)} model ${fmt(s.latency.inferenceMs)} drops ${s.framesDropped}${progress}`;
  });
  return `${parts.join(' | ')} | model ${r.inferenceThroughputFps.toFixed(1)}fps${analyticsStatus(r)}`;
}

export function registerPipeline(program: Command): void {
  const pipeline = program.command('pipeline').description('run models on video streams');
  withExamples(pipeline, [
    ['pipeline run -s video.mp4 -m coco/3 --sink jsonl:out.jsonl', 'a file into JSON lines'],
  ]);
  const cmd = pipeline
    .command('run')
    .description('stream video files, RTSP/HTTP streams or webcams through a model into sinks')
    .requiredOption(
      '-s, --source <uri>',
      'video file, rtsp://, rtmp://, http(s):// (HLS), webcam index or device, image folder; repeatable',
      collect,
    )
    .requiredOption('-m, --model <id>', 'model id, directory or .onnx file')
    .option(
      '--sink <spec>',
      'video:out.mp4 | jsonl:out.jsonl | udp:host:port | preview:port; repeatable',
      collect,
      [],
    )
    .option(
      '--max-fps <n>',
      'frame rate cap per source (files are paced, streams drop)',
      parseNumber('--max-fps', 0.01),
    )
    .option('--track', 'track objects across frames (ByteTrack), adding tracker ids')
    .option(
      '--line <x1,y1,x2,y2[:name]>',
      'count tracked objects crossing a line (pixels, or fractions 0..1 of the frame); repeatable; implies --track',
      collect,
      [],
    )
    .option(
      '--zone <x1,y1,x2,y2,x3,y3[,...][:name]>',
      'count tracked objects inside a polygon, with enter/leave events; repeatable; implies --track',
      collect,
      [],
    )
    .option('--zone-time', 'also report seconds in each zone per tracker id (needs --zone)');
  withInferParamOptions(cmd, ['confidence', 'iou'], {
    confidence: 'confidence threshold 0..1',
    iou: 'NMS IoU threshold 0..1',
  })
    .option('--rtsp-transport <tcp|udp>', 'RTSP transport (default tcp)')
    .option(
      '--fail-on-first-connect',
      'exit if a live source cannot be reached at start (default: keep retrying)',
    )
    .option('--status-interval <ms>', 'status line period', parseInteger('--status-interval', 100), 1000)
    .option(
      '--active-learning <config.json>',
      'active learning with this local config (state: $ACTIVE_LEARNING_DIR)',
    )
    .option(
      '--active-learning-target <spec>',
      'where sampled frames go: roboflow | dir:<path> (default: $ACTIVE_LEARNING_TARGET or roboflow)',
    );
  withExamples(cmd, [
    [
      'pipeline run -s video.mp4 -m ./yolov8n.onnx --track --sink jsonl:out.jsonl',
      'a file, tracked, into JSON lines',
    ],
    [
      'pipeline run -s rtsp://cam/stream -m coco/3 --sink preview:8090',
      'a camera, watched at http://127.0.0.1:8090',
    ],
  ]);
  withEngineOptions(cmd).action(async (o: PipelineCliOptions) => {
    if (o.rtspTransport && o.rtspTransport !== 'tcp' && o.rtspTransport !== 'udp') {
      throw new CliError(`--rtsp-transport must be tcp or udp, got "${o.rtspTransport}"`);
    }
    const specs = o.sink.map(parseSinkSpec);
    // bad --line/--zone geometry is an error here, before the model loads or any frame is read
    const analytics = analyticsFromFlags(o);
    if (specs.length === 0) {
      process.stderr.write(
        'warning: no --sink given: predictions go nowhere (add e.g. --sink jsonl:out.jsonl or --sink preview:8090)\n',
      );
    }
    const engine = engineFromOptions(o);
    let opened: Awaited<ReturnType<typeof openSinks>>;
    try {
      opened = await openSinks(specs);
    } catch (e) {
      await engine.dispose();
      throw e;
    }
    const { sinks, describe } = opened;
    const tty = process.stderr.isTTY === true;
    // the run's end error is printed once, as the final error line
    const printedAtEnd = new Set(['PIPELINE_START_FAILED', 'PIPELINE_STOPPED']);
    const onStatus = (e: StatusEvent) => {
      if ((e.severity === 'error' || e.severity === 'warning') && !printedAtEnd.has(e.type)) {
        if (tty) process.stderr.write('\r\x1b[2K');
        process.stderr.write(`${e.severity}: ${e.type} ${JSON.stringify(e.payload)}\n`);
      }
    };
    let p: InferencePipeline | undefined;
    const stop = () => {
      process.stderr.write('\nstopping...\n');
      void p?.terminate();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let timer: NodeJS.Timeout | undefined;
    try {
      p = await InferencePipeline.init({
        videoReference: o.source.map(reference),
        model: o.model, // the pipeline holds the model for its life
        engine,
        onPrediction: sinks,
        maxFps: o.maxFps,
        track: o.track || analytics !== undefined, // lines and zones need tracker ids
        analytics,
        inferOptions: inferOptionsFromFlags(o),
        failOnFirstConnect: o.failOnFirstConnect,
        sourceOptions: o.rtspTransport ? { rtspTransport: o.rtspTransport } : undefined,
        onStatusUpdate: onStatus,
        activeLearning: pipelineActiveLearningFromFlags(o),
      });
      for (const line of describe) process.stderr.write(`${line}\n`);
      await p.start(); // opens the sinks first: a bad path or host fails here, before any frame
      process.stderr.write(`${STATUS_LEGEND}\n`);
      const pipelineRef = p;
      timer = setInterval(() => {
        const line = statusLine(pipelineRef.report());
        process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
      }, o.statusInterval);
      await p.join();
      clearInterval(timer);
      const final = p.report();
      process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${statusLine(final)}\n`);
      const processed = final.sources.reduce((n, s) => n + s.framesProcessed, 0);
      const dropped = final.sources.reduce((n, s) => n + s.framesDropped, 0);
      process.stderr.write(
        `done: ${processed} frames processed, ${dropped} dropped, ${final.sinkErrors} sink errors\n`,
      );
      for (const line of analyticsSummary(final)) process.stderr.write(`${line}\n`);
      // a sink over its error limit (or another fatal failure) ended the run: exit non-zero
      if (p.state === 'ERROR') throw p.failure ?? new CliError('the pipeline stopped on an error');
    } finally {
      if (timer) clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await p?.terminate();
      await engine.dispose();
    }
  });
}
