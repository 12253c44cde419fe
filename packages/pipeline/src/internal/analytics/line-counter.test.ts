import { Detections } from '@inference-ts/core';
import { describe, expect, it } from 'vitest';
import { isPipelineError } from '../errors.js';
import { LineCounter } from './line-counter.js';
import { type Box, centred, tracked } from './test-boxes.js';

/** A vertical line x = 50 drawn top→bottom: moving left→right is "in". */
const vertical = (extra: Partial<ConstructorParameters<typeof LineCounter>[0]> = {}) =>
  new LineCounter({ start: [50, 0], end: [50, 100], ...extra });

function run(line: LineCounter, frames: Box[][]) {
  return frames.map((f) => line.update(tracked(f)));
}

describe('LineCounter', () => {
  it('counts a crossing in each direction, with the tracker ids and per class', () => {
    const line = vertical();
    const r = run(line, [
      [{ id: 7, cls: 2, box: centred(30, 50) }],
      [{ id: 7, cls: 2, box: centred(70, 50) }],
      [{ id: 7, cls: 2, box: centred(30, 50) }],
    ]);
    expect(r[0]).toMatchObject({ in: 0, out: 0, crossedIn: [], crossedOut: [] });
    expect(r[1]).toMatchObject({ in: 1, out: 0, crossedIn: [7], crossedOut: [], inByClass: { 2: 1 } });
    expect(Array.from(r[1].crossedInMask)).toEqual([1]);
    expect(r[2]).toMatchObject({ in: 1, out: 1, crossedIn: [], crossedOut: [7], outByClass: { 2: 1 } });
  });

  it('swapping the endpoints swaps in and out; a left→right line counts moving up as in', () => {
    const swapped = new LineCounter({ start: [50, 100], end: [50, 0] });
    run(swapped, [[{ id: 1, box: centred(30, 50) }], [{ id: 1, box: centred(70, 50) }]]);
    expect([swapped.in, swapped.out]).toEqual([0, 1]);
    const horizontal = new LineCounter({ start: [0, 50], end: [100, 50] });
    run(horizontal, [[{ id: 1, box: centred(50, 80) }], [{ id: 1, box: centred(50, 20) }]]);
    expect([horizontal.in, horizontal.out]).toEqual([1, 0]);
  });

  it('a box touching the line without crossing counts nothing (corner anchors)', () => {
    const line = vertical();
    run(line, [
      [{ id: 1, box: [20, 40, 40, 60] }],
      [{ id: 1, box: [30, 40, 50, 60] }], // right edge on the line
      [{ id: 1, box: [20, 40, 40, 60] }],
      [{ id: 2, box: [70, 40, 90, 60] }],
      [{ id: 2, box: [50, 40, 70, 60] }], // left edge on the line
      [{ id: 2, box: [70, 40, 90, 60] }],
    ]);
    expect([line.in, line.out]).toEqual([0, 0]);
  });

  it('jitter around the line: straddling boxes are skipped, one full crossing counts once', () => {
    const line = vertical();
    const xs = [30, 48, 52, 49, 51, 47, 53, 70, 72, 69];
    run(
      line,
      xs.map((x) => [{ id: 3, box: centred(x, 50) }]),
    );
    expect([line.in, line.out]).toEqual([1, 0]);
  });

  it('with the centre anchor every flip of the centre is a crossing (Roboflow v1)', () => {
    const line = vertical({ anchors: ['center'] });
    run(
      line,
      [30, 49, 51, 49, 51].map((x) => [{ id: 3, box: centred(x, 50) }]),
    );
    expect([line.in, line.out]).toEqual([2, 1]);
  });

  it('boxes passing beyond the line end, or partly beyond it, are not counted', () => {
    const line = vertical();
    run(line, [
      [
        { id: 1, box: centred(30, 120) }, // below the end
        { id: 2, box: [25, 90, 35, 110] }, // straddles the end's perpendicular
        { id: 3, box: centred(30, 50) },
      ],
      [
        { id: 1, box: centred(70, 120) },
        { id: 2, box: [65, 90, 75, 110] },
        { id: 3, box: centred(70, 50) },
      ],
    ]);
    expect(line.in).toBe(1);
    expect(line.update(tracked([{ id: 3, box: centred(30, 95) }])).crossedOut).toEqual([3]);
  });

  it('anchors decide which part of the box must cross', () => {
    // horizontal line y = 50 drawn left→right; moving down is out
    const frames: Box[][] = [[{ id: 1, box: [40, 20, 60, 45] }], [{ id: 1, box: [40, 30, 60, 55] }]];
    const bottom = new LineCounter({ start: [0, 50], end: [100, 50], anchors: ['bottom_center'] });
    const centre = new LineCounter({ start: [0, 50], end: [100, 50], anchors: ['center'] });
    const corners = new LineCounter({ start: [0, 50], end: [100, 50] });
    run(bottom, frames);
    run(centre, frames);
    run(corners, frames);
    expect(bottom.out).toBe(1);
    expect(centre.out).toBe(0);
    expect(corners.out).toBe(0); // straddling on the second frame
    expect(() => new LineCounter({ start: [0, 0], end: [1, 1], anchors: ['middle' as 'center'] })).toThrow(
      /unknown anchor/,
    );
  });

  it('class filters count only the listed classes', () => {
    const line = vertical({ classes: [2] });
    run(line, [
      [
        { id: 1, cls: 0, box: centred(30, 30) },
        { id: 2, cls: 2, box: centred(30, 70) },
      ],
      [
        { id: 1, cls: 0, box: centred(70, 30) },
        { id: 2, cls: 2, box: centred(70, 70) },
      ],
    ]);
    expect(line.in).toBe(1);
    expect(line.inByClass).toEqual({ 2: 1 });
  });

  it('a tracker lost and found on the other side still counts; forgotten ones do not', () => {
    const line = vertical();
    run(line, [[{ id: 5, box: centred(30, 50) }], [], [], [], [{ id: 5, box: centred(70, 50) }]]);
    expect(line.in).toBe(1);
    const forgetful = vertical({ forgetAfter: 2 });
    const frames: Box[][] = [[{ id: 5, box: centred(30, 50) }]];
    for (let i = 0; i < 64; i++) frames.push([]);
    frames.push([{ id: 5, box: centred(70, 50) }]);
    run(forgetful, frames);
    expect(forgetful.in).toBe(0);
  });

  it('several trackers in one frame each count', () => {
    const line = vertical();
    const r = run(line, [
      [1, 2, 3].map((id) => ({ id, box: centred(30, id * 20) })),
      [1, 2, 3].map((id) => ({ id, box: centred(id === 2 ? 30 : 70, id * 20) })),
    ]);
    expect(r[1].crossedIn).toEqual([1, 3]);
    expect(r[1].in).toBe(2);
  });

  it('detections without tracker ids are an error, not a silent skip', () => {
    const line = vertical();
    const untracked = new Detections({
      xyxy: Float32Array.from(centred(30, 50)),
      confidence: new Float32Array([0.9]),
      classId: new Int32Array([0]),
    });
    expect(() => line.update(untracked)).toThrow(expect.objectContaining({ code: 'PIPE_ERR_UNTRACKED' }));
    expect(() => line.update(untracked.with({ trackerId: new Int32Array([-1]) }))).toThrow(
      expect.objectContaining({ code: 'PIPE_ERR_UNTRACKED' }),
    );
    expect(line.update(Detections.empty()).in).toBe(0);
  });

  it.each([
    [{ start: [1, 1], end: [1, 1] }, /zero length/],
    [{ start: [Number.NaN, 1], end: [1, 1] }, /finite/],
    [{ start: [1], end: [1, 1] }, /finite/],
  ])('rejects bad geometry %j', (geometry, message) => {
    try {
      new LineCounter(geometry as never);
      expect.unreachable();
    } catch (e) {
      expect(isPipelineError(e) && e.code).toBe('PIPE_ERR_GEOMETRY');
      expect(String(e)).toMatch(message);
    }
  });
});
