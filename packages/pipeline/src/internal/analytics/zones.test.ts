import { describe, expect, it } from 'vitest';
import { PolygonZone } from './polygon-zone.js';
import { type Box, centred, tracked } from './test-boxes.js';
import { clockSeconds, TimeInZone } from './time-in-zone.js';

const square: [number, number][] = [
  [0, 0],
  [100, 0],
  [100, 100],
  [0, 100],
];

describe('PolygonZone', () => {
  it('counts in total and per class, and reports entering and leaving per tracker id', () => {
    const zone = new PolygonZone({ polygon: square });
    const a = zone.update(
      tracked([
        { id: 1, cls: 0, box: centred(50, 50) },
        { id: 2, cls: 3, box: centred(60, 60) },
        { id: 3, cls: 3, box: centred(150, 50) },
      ]),
    );
    expect(a).toMatchObject({ count: 2, countByClass: { 0: 1, 3: 1 }, entered: [1, 2], left: [] });
    expect(Array.from(a.inside)).toEqual([1, 1, 0]);
    const b = zone.update(
      tracked([
        { id: 1, cls: 0, box: centred(150, 50) },
        { id: 2, cls: 3, box: centred(60, 60) },
        { id: 3, cls: 3, box: centred(50, 50) },
      ]),
    );
    expect(b).toMatchObject({ count: 2, countByClass: { 3: 2 }, entered: [3], left: [1] });
  });

  it('a tracker re-entering is reported entering again', () => {
    const zone = new PolygonZone({ polygon: square });
    const xs = [50, 150, 50, 50];
    const r = xs.map((x) => zone.update(tracked([{ id: 9, box: centred(x, 50) }])));
    expect(r.map((x) => x.entered)).toEqual([[9], [], [9], []]);
    expect(r.map((x) => x.left)).toEqual([[], [9], [], []]);
    expect(r.map((x) => x.count)).toEqual([1, 0, 1, 1]);
  });

  it('a tracker lost and found inside is not re-reported; lost for too long it has left', () => {
    const zone = new PolygonZone({ polygon: square, forgetAfter: 3 });
    const frames: Box[][] = [[{ id: 4, box: centred(50, 50) }], [], [], [{ id: 4, box: centred(50, 50) }]];
    const r = frames.map((f) => zone.update(tracked(f)));
    expect(r.flatMap((x) => x.entered)).toEqual([4]);
    expect(r.flatMap((x) => x.left)).toEqual([]);
    const later = [[], [], [], []].map(() => zone.update(tracked([])));
    expect(later.map((x) => x.left)).toEqual([[], [], [], [4]]);
    expect(zone.update(tracked([{ id: 4, box: centred(50, 50) }])).entered).toEqual([4]);
  });

  it('the anchor decides: bottom-centre by default, every listed anchor must be inside', () => {
    const box: Box = { id: 1, box: [40, 80, 60, 100] }; // bottom edge on the zone edge
    expect(new PolygonZone({ polygon: square }).update(tracked([box])).count).toBe(1);
    const low: Box = { id: 1, box: [40, 90, 60, 110] };
    expect(new PolygonZone({ polygon: square }).update(tracked([low])).count).toBe(0);
    expect(new PolygonZone({ polygon: square, anchors: ['center'] }).update(tracked([low])).count).toBe(1);
    const corners = new PolygonZone({ polygon: square, anchors: ['top_left', 'bottom_right'] });
    expect(corners.update(tracked([low])).count).toBe(0);
    // clipped to the frame first, as supervision does
    const clipped = new PolygonZone({ polygon: square, frameSize: { width: 100, height: 100 } });
    expect(clipped.update(tracked([low])).count).toBe(1);
  });

  it('a triangle and class filters', () => {
    const zone = new PolygonZone({
      polygon: [
        [0, 0],
        [100, 0],
        [0, 100],
      ],
      anchors: ['center'],
      classes: [1],
    });
    const r = zone.update(
      tracked([
        { id: 1, cls: 1, box: centred(20, 20) },
        { id: 2, cls: 1, box: centred(80, 80) },
        { id: 3, cls: 0, box: centred(20, 20) },
      ]),
    );
    expect(r).toMatchObject({ count: 1, entered: [1] });
  });

  it('rejects bad polygons and untracked detections', () => {
    expect(() => new PolygonZone({ polygon: square.slice(0, 2) })).toThrow(
      expect.objectContaining({ code: 'PIPE_ERR_GEOMETRY' }),
    );
    expect(
      () =>
        new PolygonZone({
          polygon: [
            [0, 0],
            [1, 1],
            [2, 2],
          ],
        }),
    ).toThrow(/no area/);
    expect(
      () =>
        new PolygonZone({
          polygon: [
            [0, 0],
            [1, Number.NaN],
            [2, 0],
          ],
        }),
    ).toThrow(/finite/);
    const untracked = tracked([{ id: 1, box: centred(50, 50) }]).with({ trackerId: undefined });
    expect(() => new PolygonZone({ polygon: square }).update(untracked)).toThrow(
      expect.objectContaining({ code: 'PIPE_ERR_UNTRACKED' }),
    );
  });
});

describe('TimeInZone', () => {
  const inside = (id: number) => ({ id, box: centred(50, 50) });
  const outside = (id: number) => ({ id, box: centred(150, 50) });

  it('times each tracker from its first frame inside (frame number / fps)', () => {
    const tz = new TimeInZone({ polygon: square });
    const frames: Box[][] = [[inside(1)], [inside(1), inside(2)], [inside(1), inside(2), outside(3)]];
    const r = frames.map((f, i) => tz.update(tracked(f), { frameIndex: 4 + i * 4, fps: 4 }));
    expect([...r[0].byTrackerId]).toEqual([[1, 0]]);
    expect([...r[2].byTrackerId]).toEqual([
      [1, 2],
      [2, 1],
    ]);
    // removed out-of-zone detections by default; the rest carry a timeInZone column
    expect(r[2].detections.length).toBe(2);
    expect(r[2].detections.data.timeInZone).toEqual([2, 1]);
    expect(Array.from(r[2].inside)).toEqual([1, 1, 0]);
  });

  it('reset (default) restarts the clock after leaving; without reset the first entry stands', () => {
    const seq: Box[][] = [[inside(1)], [outside(1)], [inside(1)]];
    const reset = new TimeInZone({ polygon: square });
    const keep = new TimeInZone({ polygon: square, resetOutOfZone: false });
    const ts = [100, 101, 103];
    const a = seq.map((f, i) => reset.update(tracked(f), { timestampSec: ts[i] }));
    const b = seq.map((f, i) => keep.update(tracked(f), { timestampSec: ts[i] }));
    expect(a[2].byTrackerId.get(1)).toBe(0);
    expect(b[2].byTrackerId.get(1)).toBe(3);
  });

  it('kept out-of-zone detections get 0 seconds and always restart the clock (as Roboflow)', () => {
    const tz = new TimeInZone({ polygon: square, removeOutOfZone: false, resetOutOfZone: false });
    const seq: Box[][] = [[inside(1)], [outside(1)], [inside(1)]];
    const r = seq.map((f, i) => tz.update(tracked(f), { timestampSec: i * 2 }));
    expect(r[1].detections.length).toBe(1);
    expect(Array.from(r[1].seconds)).toEqual([0]);
    expect(r[2].byTrackerId.get(1)).toBe(0);
  });

  it('clocks of trackers gone for longer than forgetAfter are dropped (memory stays bounded)', () => {
    const tz = new TimeInZone({ polygon: square, forgetAfter: 10, resetOutOfZone: false });
    for (let f = 1; f <= 640; f++) tz.update(tracked([inside(f)]), { timestampSec: f });
    expect(tz.size).toBeLessThanOrEqual(10 + 64);
    // a tracker seen again within forgetAfter keeps its clock
    const keep = new TimeInZone({ polygon: square, forgetAfter: 100 });
    keep.update(tracked([inside(1)]), { timestampSec: 0 });
    for (let f = 1; f < 80; f++) keep.update(tracked([]), { timestampSec: f });
    expect(keep.update(tracked([inside(1)]), { timestampSec: 80 }).byTrackerId.get(1)).toBe(80);
  });

  it('clock: fps wins when non-zero, else the timestamp; neither is an error', () => {
    expect(clockSeconds({ frameIndex: 30, fps: 15, timestampSec: 99 })).toBe(2);
    expect(clockSeconds({ frameIndex: 30, fps: 0, timestampSec: 99 })).toBe(99);
    expect(() => clockSeconds({ frameIndex: 30, fps: 0 })).toThrow(
      expect.objectContaining({ code: 'PIPE_ERR_INVALID_OPTION' }),
    );
  });
});
