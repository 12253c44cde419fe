import { describe, expect, it } from 'vitest';
import {
  kalmanInitiate,
  kalmanPredict,
  kalmanProject,
  kalmanUpdate,
  xyahToXyxy,
  xyxyToXyah,
} from './kalman.js';

const at = (m: Float64Array, i: number, j: number) => m[i * 8 + j];

describe('Kalman box filter', () => {
  it('initiates with zero velocity and height-scaled variances', () => {
    const s = kalmanInitiate([50, 60, 0.5, 100]);
    expect(Array.from(s.mean)).toEqual([50, 60, 0.5, 100, 0, 0, 0, 0]);
    // std position = 2 * h / 20 = 10 -> variance 100; std velocity = 10 * h / 160 = 6.25
    expect(at(s.covariance, 0, 0)).toBeCloseTo(100);
    expect(at(s.covariance, 2, 2)).toBeCloseTo(1e-4);
    expect(at(s.covariance, 4, 4)).toBeCloseTo(39.0625);
    expect(at(s.covariance, 0, 4)).toBe(0);
  });

  it('predicts x + v and P = F P Fᵀ + Q on a known case', () => {
    const s = kalmanInitiate([50, 60, 0.5, 100]);
    s.mean[4] = 3; // moving right 3 px / frame
    kalmanPredict(s);
    expect(s.mean[0]).toBeCloseTo(53);
    expect(s.mean[1]).toBeCloseTo(60);
    // P00 = P00 + P44 + Q00 = 100 + 39.0625 + (100/20)^2 = 164.0625
    expect(at(s.covariance, 0, 0)).toBeCloseTo(164.0625);
    // cross term P04 = P44 = 39.0625, symmetric
    expect(at(s.covariance, 0, 4)).toBeCloseTo(39.0625);
    expect(at(s.covariance, 4, 0)).toBeCloseTo(39.0625);
    // P44 = 39.0625 + (100/160)^2
    expect(at(s.covariance, 4, 4)).toBeCloseTo(39.0625 + 0.390625);
  });

  it('updates with the scalar Kalman gain on a decoupled coordinate', () => {
    const s = kalmanInitiate([50, 60, 0.5, 100]);
    const before = at(s.covariance, 0, 0); // 100
    const proj = kalmanProject(s);
    const sxx = proj.covariance[0]; // 100 + (100/20)^2 = 125
    expect(sxx).toBeCloseTo(125);
    kalmanUpdate(s, [60, 60, 0.5, 100]);
    const gain = before / sxx; // 0.8
    expect(s.mean[0]).toBeCloseTo(50 + gain * 10);
    expect(at(s.covariance, 0, 0)).toBeCloseTo(before - gain * before);
    // velocity picks up part of the innovation through the (zero) cross-covariance: none here
    expect(s.mean[4]).toBeCloseTo(0);
  });

  it('learns velocity from a steadily moving box', () => {
    const s = kalmanInitiate(xyxyToXyah(0, 0, 20, 40));
    for (let k = 1; k <= 30; k++) {
      kalmanPredict(s);
      kalmanUpdate(s, xyxyToXyah(5 * k, 0, 5 * k + 20, 40));
    }
    expect(s.mean[4]).toBeCloseTo(5, 1);
    const [x1, , x2] = xyahToXyxy(s.mean);
    expect(x1).toBeCloseTo(150, 0);
    expect(x2).toBeCloseTo(170, 0);
  });

  it('stays finite for a zero-height measurement', () => {
    const s = kalmanInitiate([5, 5, 0, 0]);
    kalmanPredict(s);
    kalmanUpdate(s, [6, 5, 0, 0]);
    expect(Array.from(s.mean).every(Number.isFinite)).toBe(true);
    expect(Array.from(s.covariance).every(Number.isFinite)).toBe(true);
  });
});
