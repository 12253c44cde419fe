import { describe, expect, it } from 'vitest';
import { adaptiveEqualizeInPlace } from './clahe.js';
import { contrastStretchInPlace, equalizeHistogramInPlace, percentileFromHistogram } from './contrast.js';

/** Deterministic pseudo-random bytes in [lo, hi]. */
function noise(n: number, lo: number, hi: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = lo + ((s >>> 16) % (hi - lo + 1));
  }
  return out;
}

/** np.percentile (linear) from a sorted copy, as an independent reference. */
function percentileRef(data: Uint8Array, q: number): number {
  const s = Array.from(data).sort((a, b) => a - b);
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo] + (pos - lo) * (s[Math.min(lo + 1, s.length - 1)] - s[lo]);
}

const histogramOf = (data: Uint8Array) => {
  const h = new Uint32Array(256);
  for (const v of data) h[v]++;
  return h;
};

describe('percentileFromHistogram', () => {
  it('matches np.percentile linear interpolation', () => {
    const data = noise(999, 0, 255, 7);
    for (const q of [0, 2, 37.5, 50, 98, 100]) {
      expect(percentileFromHistogram(histogramOf(data), q)).toBeCloseTo(percentileRef(data, q), 10);
    }
  });
});

describe('contrast-stretching', () => {
  it('spreads p2..p98 of a low-contrast image over 0..255, clipping outside', () => {
    const data = noise(3 * 40 * 30, 100, 140);
    const before = data.slice();
    const p2 = percentileRef(before, 2);
    const p98 = percentileRef(before, 98);
    contrastStretchInPlace(data);
    expect(Math.min(...data)).toBe(0);
    expect(Math.max(...data)).toBe(255);
    for (let i = 0; i < data.length; i++) {
      const c = Math.min(p98, Math.max(p2, before[i]));
      expect(data[i]).toBe(Math.trunc(((c - p2) / (p98 - p2)) * 255));
    }
  });
});

describe('histogram-equalization', () => {
  it('flattens a skewed histogram: the output CDF is the identity ramp', () => {
    // Mostly dark, narrow range: 60% at 100..104, the rest at 105..120.
    const data = new Uint8Array(3000);
    const dark = noise(1800, 100, 104, 3);
    const light = noise(1200, 105, 120, 5);
    data.set(dark, 0);
    data.set(light, 1800);
    equalizeHistogramInPlace(data);
    const h = histogramOf(data);
    expect(Math.max(...data)).toBe(255);
    let cum = 0;
    for (let v = 0; v < 256; v++) {
      cum += h[v];
      if (h[v] > 0) expect(Math.abs(cum / data.length - v / 255)).toBeLessThanOrEqual(0.5 / 255 + 1e-12);
    }
    // the 60% dark mass now covers about 60% of the range
    expect(Math.max(...data.subarray(0, 1800))).toBeGreaterThan(140);
  });
});

describe('adaptive-equalization (CLAHE on the HSV value)', () => {
  // Left half values 30..50, right half 50..70 (gray), 128x64.
  const W = 128;
  const H = 64;
  const make = () => {
    const rgb = new Uint8Array(W * H * 3);
    const left = noise(W * H, 30, 50, 11);
    const right = noise(W * H, 50, 70, 13);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = x < W / 2 ? left[y * W + x] : right[y * W + x];
        rgb.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
      }
    }
    return rgb;
  };
  const stdOf = (rgb: Uint8Array, x0: number, x1: number) => {
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (let y = 0; y < H; y++) {
      for (let x = x0; x < x1; x++) {
        const v = rgb[(y * W + x) * 3];
        s += v;
        s2 += v * v;
        n++;
      }
    }
    return Math.sqrt(s2 / n - (s / n) ** 2);
  };

  it('raises local contrast in both halves', () => {
    const rgb = make();
    const before = [stdOf(rgb, 0, W / 2), stdOf(rgb, W / 2, W)];
    adaptiveEqualizeInPlace(rgb, W, H);
    expect(stdOf(rgb, 0, W / 2)).toBeGreaterThan(3 * before[0]);
    expect(stdOf(rgb, W / 2, W)).toBeGreaterThan(3 * before[1]);
  });

  it('is adaptive: the same value maps high where it is locally bright and low where it is dark', () => {
    const rgb = make();
    // value 50 at a tile centre in each half, far from the boundary
    const p = (x: number, y: number) => (y * W + x) * 3;
    rgb.fill(50, p(8, 36), p(8, 36) + 3);
    rgb.fill(50, p(120, 36), p(120, 36) + 3);
    adaptiveEqualizeInPlace(rgb, W, H);
    expect(rgb[p(8, 36)] - rgb[p(120, 36)]).toBeGreaterThan(100);
  });

  it('keeps hue: channels are scaled together', () => {
    const rgb = make();
    const i = (20 * W + 20) * 3;
    rgb.set([40, 20, 10], i);
    adaptiveEqualizeInPlace(rgb, W, H);
    expect(rgb[i]).toBeGreaterThan(40);
    expect(rgb[i + 1] / rgb[i]).toBeCloseTo(0.5, 1);
    expect(rgb[i + 2] / rgb[i]).toBeCloseTo(0.25, 1);
  });

  it('leaves black pixels black and handles images smaller than the grid', () => {
    const tiny = new Uint8Array([0, 0, 0, 10, 20, 30, 200, 100, 50]);
    adaptiveEqualizeInPlace(tiny, 3, 1);
    expect(Array.from(tiny.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(tiny[8]).toBeGreaterThan(0);
  });
});
