export { type DecoderOptions, decoderArgs, FfmpegDecoder } from './decoder.js';
export { FrameReader } from './frame-reader.js';
export { type StreamHeader, StreamHeaderParser } from './header.js';
export { type InputArgsOptions, type InputKind, inputArgs } from './input-args.js';
export { type FfmpegBinaries, type FfmpegLocateOptions, locateFfmpeg } from './locate.js';
export { type ProbeResult, parseProbeJson, parseRate, probeVideo } from './probe.js';
export { type ExitInfo, type ManagedProcess, spawnManaged } from './process.js';
export { redactReference, redactText } from './redact.js';
