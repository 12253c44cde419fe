export {
  analyticsJson,
  type FrameAnalytics,
  type FrameAnalyticsJson,
  type LineFrame,
  type SourceAnalyticsTotals,
  type ZoneFrame,
} from './frame-analytics.js';
export {
  ANCHORS,
  type Anchor,
  CORNER_ANCHORS,
  type Point,
  validateLine,
  validatePolygon,
} from './geometry.js';
export { LineCounter, type LineCounterOptions, type LineCounterResult } from './line-counter.js';
export {
  type AnalyticsOptions,
  frameClock,
  type LineSpec,
  PipelineAnalytics,
  toPixels,
  type ZoneSpec,
} from './pipeline-analytics.js';
export { PolygonZone, type PolygonZoneOptions, type PolygonZoneResult } from './polygon-zone.js';
export {
  clockSeconds,
  type FrameClock,
  TimeInZone,
  type TimeInZoneOptions,
  type TimeInZoneResult,
} from './time-in-zone.js';
