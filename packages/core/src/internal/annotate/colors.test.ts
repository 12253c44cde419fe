import { describe, expect, it } from 'vitest';
import { Detections } from '../detections/detections.js';
import { isInferenceError } from '../errors.js';
import {
  BLACK,
  ColorResolver,
  contrastingTextColor,
  DEFAULT_PALETTE,
  parseHexColor,
  relativeLuminance,
  toColor,
  WHITE,
} from './colors.js';

function dets(
  classIds: number[],
  extra: Partial<ConstructorParameters<typeof Detections>[0]> = {},
): Detections {
  const n = classIds.length;
  return new Detections({
    xyxy: new Float32Array(n * 4),
    confidence: new Float32Array(n).fill(0.9),
    classId: Int32Array.from(classIds),
    ...extra,
  });
}

describe('parseHexColor', () => {
  it.each([
    ['#ff8000', [255, 128, 0]],
    ['#FF8000', [255, 128, 0]],
    ['00ff7f', [0, 255, 127]],
    ['#0f0', [0, 255, 0]],
    [' #123456 ', [0x12, 0x34, 0x56]],
  ])('%s -> %j', (hex, rgb) => {
    expect(parseHexColor(hex)).toEqual(rgb);
  });

  it.each(['', '#12345', '#gggggg', 'red', '#1234567'])(
    'rejects %j with CORE_ERR_INVALID_PARAMETER',
    (bad) => {
      let err: unknown;
      try {
        parseHexColor(bad);
      } catch (e) {
        err = e;
      }
      expect(isInferenceError(err) && err.code).toBe('CORE_ERR_INVALID_PARAMETER');
    },
  );

  it('toColor clamps and rounds triples and rejects non-finite ones', () => {
    expect(toColor([300, 10.4, -3])).toEqual([255, 10, 0]);
    expect(() => toColor([Number.NaN, 0, 0])).toThrow(/RGB/);
  });
});

describe('DEFAULT_PALETTE', () => {
  it('has at least 20 distinct, valid colours', () => {
    expect(DEFAULT_PALETTE.length).toBeGreaterThanOrEqual(20);
    const keys = new Set(DEFAULT_PALETTE.map((c) => c.join(',')));
    expect(keys.size).toBe(DEFAULT_PALETTE.length);
    for (const c of DEFAULT_PALETTE)
      for (const v of c) expect(Number.isInteger(v) && v >= 0 && v <= 255).toBe(true);
  });

  it('neighbouring entries are clearly different (sum of channel differences > 100)', () => {
    for (let i = 1; i < DEFAULT_PALETTE.length; i++) {
      const a = DEFAULT_PALETTE[i - 1];
      const b = DEFAULT_PALETTE[i];
      expect(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2])).toBeGreaterThan(100);
    }
  });
});

describe('contrastingTextColor', () => {
  it('uses white on dark and black on light backgrounds', () => {
    expect(contrastingTextColor([0, 0, 0])).toEqual(WHITE);
    expect(contrastingTextColor([20, 20, 120])).toEqual(WHITE);
    expect(contrastingTextColor([139, 30, 63])).toEqual(WHITE);
    expect(contrastingTextColor([255, 255, 255])).toEqual(BLACK);
    expect(contrastingTextColor([255, 204, 0])).toEqual(BLACK);
    expect(contrastingTextColor([90, 200, 250])).toEqual(BLACK);
  });

  it('every palette colour gets text with a WCAG contrast ratio of at least 4.5', () => {
    for (const c of DEFAULT_PALETTE) {
      const l = relativeLuminance(c);
      const t = relativeLuminance(contrastingTextColor(c));
      const ratio = (Math.max(l, t) + 0.05) / (Math.min(l, t) + 0.05);
      expect(ratio).toBeGreaterThanOrEqual(4.5);
    }
  });
});

describe('ColorResolver', () => {
  it('looks up by class id by default, wrapping around the palette', () => {
    const r = new ColorResolver();
    const d = dets([0, 1, DEFAULT_PALETTE.length + 1]);
    expect(r.colorOf(d, 0)).toEqual(DEFAULT_PALETTE[0]);
    expect(r.colorOf(d, 1)).toEqual(DEFAULT_PALETTE[1]);
    expect(r.colorOf(d, 2)).toEqual(DEFAULT_PALETTE[1]);
  });

  it('looks up by index', () => {
    const r = new ColorResolver({ colorLookup: 'index', palette: ['#000001', '#000002'] });
    const d = dets([5, 5, 5]);
    expect([0, 1, 2].map((i) => r.colorOf(d, i))).toEqual([
      [0, 0, 1],
      [0, 0, 2],
      [0, 0, 1],
    ]);
  });

  it('looks up by tracker id and falls back to the class for untracked detections', () => {
    const r = new ColorResolver({
      colorLookup: 'track',
      palette: ['#000000', '#000001', '#000002', '#000003'],
    });
    const d = dets([0, 0], { trackerId: Int32Array.from([3, -1]) });
    expect(r.colorOf(d, 0)).toEqual([0, 0, 3]);
    expect(r.colorOf(d, 1)).toEqual([0, 0, 0]);
  });

  it('uses class colours by name from data.className, then from classNames', () => {
    const classColors = { dog: '#00ff00', cat: '#0000ff' };
    const withData = dets([7, 7], { data: { className: ['dog', 'zebra'] } });
    const r = new ColorResolver({ classColors });
    expect(r.colorOf(withData, 0)).toEqual([0, 255, 0]);
    expect(r.colorOf(withData, 1)).toEqual(DEFAULT_PALETTE[7]);
    const byId = new ColorResolver({ classColors, classNames: ['cat', 'dog'] });
    expect(byId.colorOf(dets([0]), 0)).toEqual([0, 0, 255]);
  });

  it('a fixed colour overrides everything', () => {
    const r = new ColorResolver({ color: '#010203', classColors: { dog: '#00ff00' } });
    expect(r.colorOf(dets([0], { data: { className: ['dog'] } }), 0)).toEqual([1, 2, 3]);
  });

  it('rejects an empty palette and bad manifest colours', () => {
    expect(() => new ColorResolver({ palette: [] })).toThrow(/empty/);
    expect(() => new ColorResolver({ classColors: { dog: 'green' } })).toThrow(/hex/);
  });
});
