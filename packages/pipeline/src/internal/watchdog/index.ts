export { FpsMonitor, RollingMean } from '../sources/monitors.js';
export {
  type EventContext,
  errorPayload,
  type PipelineEventType,
  SEVERITY_LEVEL,
  type Severity,
  type StatusEvent,
  type StatusHandler,
  statusEvent,
} from './events.js';
export { type RoboflowPipelineReport, toRoboflowReport } from './roboflow-report.js';
export {
  type LatencyReport,
  type PipelineReport,
  PipelineWatchdog,
  type SourceDescription,
  type SourceReport,
  type WatchdogOptions,
} from './watchdog.js';
