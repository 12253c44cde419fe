import type { AnalyticsOptions, LineSpec, PipelineReport, Point, ZoneSpec } from '@inference-ts/pipeline';
import { CliError } from '../errors.js';

/** Numbers and an optional `:name` from `x1,y1,...[:name]`. */
function numbersAndName(flag: string, spec: string): { values: number[]; name?: string } {
  const colon = spec.indexOf(':');
  const coords = colon < 0 ? spec : spec.slice(0, colon);
  const name = colon < 0 ? undefined : spec.slice(colon + 1).trim();
  if (name !== undefined && name === '') throw new CliError(`${flag} ${spec}: the name after ":" is empty`);
  const parts = coords.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((s, i) => s === '' || !Number.isFinite(values[i]));
  if (bad >= 0) throw new CliError(`${flag} ${spec}: "${parts[bad]}" is not a number`);
  return name === undefined ? { values } : { values, name };
}

function points(values: number[]): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < values.length; i += 2) out.push([values[i], values[i + 1]]);
  return out;
}

/**
 * `--line x1,y1,x2,y2[:name]`: a line in source pixels, or in fractions 0..1 of the frame
 * when every coordinate is within 0..1.
 */
export function parseLineSpec(spec: string): LineSpec {
  const { values, name } = numbersAndName('--line', spec);
  if (values.length !== 4)
    throw new CliError(`--line ${spec}: expected x1,y1,x2,y2[:name] (4 numbers), got ${values.length}`);
  const [start, end] = points(values);
  if (start[0] === end[0] && start[1] === end[1])
    throw new CliError(`--line ${spec}: the line has zero length`);
  return name === undefined ? { start, end } : { start, end, name };
}

/** `--zone x1,y1,x2,y2,x3,y3[,...][:name]`: a polygon of at least 3 points. */
export function parseZoneSpec(spec: string): ZoneSpec {
  const { values, name } = numbersAndName('--zone', spec);
  if (values.length < 6 || values.length % 2 !== 0)
    throw new CliError(
      `--zone ${spec}: expected at least 3 points x1,y1,x2,y2,x3,y3[,...][:name], got ${values.length} numbers`,
    );
  const polygon = points(values);
  let area = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++)
    area += polygon[j][0] * polygon[i][1] - polygon[i][0] * polygon[j][1];
  if (area === 0) throw new CliError(`--zone ${spec}: the points enclose no area`);
  return name === undefined ? { polygon } : { polygon, name };
}

/** Pipeline analytics from the CLI flags, or undefined when none were given. */
export function analyticsFromFlags(o: {
  line?: string[];
  zone?: string[];
  zoneTime?: boolean;
}): AnalyticsOptions | undefined {
  const lines = (o.line ?? []).map(parseLineSpec);
  const zones = (o.zone ?? []).map(parseZoneSpec);
  if (o.zoneTime && zones.length === 0) throw new CliError('--zone-time needs at least one --zone');
  if (lines.length === 0 && zones.length === 0) return undefined;
  return { lines, zones, ...(o.zoneTime ? { zoneTime: true } : {}) };
}

/** Line and zone totals for the status line, e.g. ` | gate in 3 out 1 | lot 2`; empty without analytics. */
export function analyticsStatus(r: PipelineReport): string {
  if (!r.analytics) return '';
  const multi = r.analytics.length > 1;
  const parts = r.analytics.flatMap((s) => {
    const prefix = multi ? `#${s.sourceId} ` : '';
    return [
      ...s.lines.map((l) => `${prefix}${l.name} in ${l.in} out ${l.out}`),
      ...s.zones.map((z) => `${prefix}${z.name} ${z.count}`),
    ];
  });
  return parts.length > 0 ? ` | ${parts.join(' | ')}` : '';
}

/** The closing summary of the analytics: one line per source, or nothing. */
export function analyticsSummary(r: PipelineReport): string[] {
  return (r.analytics ?? []).map((s) => {
    const lines = s.lines.map((l) => `${l.name} in ${l.in} out ${l.out}`);
    const zones = s.zones.map((z) => `${z.name} now ${z.count}, entered ${z.entered}, left ${z.left}`);
    return `analytics #${s.sourceId}: ${[...lines, ...zones].join('; ')}`;
  });
}
