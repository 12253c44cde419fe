export { redactReference, redactText } from '../ffmpeg/redact.js';
export { FrameBuffer, type OfferResult } from './frame-buffer.js';
export { type MultiplexOptions, multiplexSources } from './multiplex.js';
export { type AdaptiveStallOptions, StallLimit } from './stall.js';
export type {
  AdaptiveOptions,
  BufferConsumptionStrategy,
  BufferFillingStrategy,
  DropCause,
  FrameProducer,
  ReconnectOptions,
  Severity,
  SourceEvent,
  SourceReference,
  SourceState,
  SourceStats,
  VideoSourceOptions,
} from './types.js';
export { VideoSource } from './video-source.js';
