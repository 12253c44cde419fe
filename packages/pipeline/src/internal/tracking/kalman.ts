/**
 * Constant-velocity Kalman filter over a box state
 * `(cx, cy, aspect, h, vcx, vcy, vaspect, vh)` with measurements `(cx, cy, aspect, h)`,
 * where aspect = width / height. Noise scales with the box height, as in ByteTrack/SORT,
 * so large and small objects are tracked with comparable relative uncertainty.
 *
 * Matrices are row-major `Float64Array`s (8×8 covariance, 4×4 innovation); everything is
 * small and fixed-size, so plain loops beat any general linear-algebra dependency.
 */

/** Mean (8) and covariance (8×8, row-major) of one track's state. */
export interface KalmanState {
  mean: Float64Array;
  covariance: Float64Array;
}

const DIM = 8;
const MEAS = 4;
/** Position noise per unit of box height. */
const STD_POSITION = 1 / 20;
/** Velocity noise per unit of box height. */
const STD_VELOCITY = 1 / 160;
/** Noise never scales below a 1-pixel box, so degenerate boxes cannot make the innovation singular. */
const noiseScale = (h: number) => Math.max(Math.abs(h), 1);

function diagonal(values: readonly number[]): Float64Array {
  const n = values.length;
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = values[i] * values[i];
  return m;
}

/** Start a track from a first measurement: zero velocity, wide velocity uncertainty. */
export function kalmanInitiate(measurement: ArrayLike<number>): KalmanState {
  const mean = new Float64Array(DIM);
  for (let i = 0; i < MEAS; i++) mean[i] = measurement[i];
  const h = noiseScale(measurement[3]);
  const p = 2 * STD_POSITION * h;
  const v = 10 * STD_VELOCITY * h;
  return { mean, covariance: diagonal([p, p, 1e-2, p, v, v, 1e-5, v]) };
}

/**
 * One time step (dt = 1 frame): x' = F x, P' = F P Fᵀ + Q, with F = [[I, I], [0, I]].
 * Works in place and returns the same state.
 */
export function kalmanPredict(state: KalmanState): KalmanState {
  const { mean, covariance: P } = state;
  const h = noiseScale(mean[3]);
  const p = STD_POSITION * h;
  const v = STD_VELOCITY * h;
  const q = [p, p, 1e-2, p, v, v, 1e-5, v];
  for (let i = 0; i < MEAS; i++) mean[i] += mean[i + MEAS];
  // F P: rows 0..3 gain the velocity rows below them.
  const fp = new Float64Array(P);
  for (let i = 0; i < MEAS; i++) {
    for (let j = 0; j < DIM; j++) fp[i * DIM + j] += P[(i + MEAS) * DIM + j];
  }
  // (F P) Fᵀ: columns 0..3 gain the velocity columns to their right.
  for (let i = 0; i < DIM; i++) {
    for (let j = 0; j < MEAS; j++) fp[i * DIM + j] += fp[i * DIM + j + MEAS];
  }
  for (let i = 0; i < DIM; i++) fp[i * DIM + i] += q[i] * q[i];
  state.covariance = fp;
  return state;
}

/** Projection into measurement space: H x and H P Hᵀ + R (H takes the first four state rows). */
export function kalmanProject(state: KalmanState): { mean: Float64Array; covariance: Float64Array } {
  const { mean, covariance: P } = state;
  const h = noiseScale(mean[3]);
  const p = STD_POSITION * h;
  const r = [p, p, 1e-1, p];
  const m = mean.slice(0, MEAS);
  const s = new Float64Array(MEAS * MEAS);
  for (let i = 0; i < MEAS; i++) {
    for (let j = 0; j < MEAS; j++) s[i * MEAS + j] = P[i * DIM + j];
    s[i * MEAS + i] += r[i] * r[i];
  }
  return { mean: m, covariance: s };
}

/** Inverse of a symmetric positive-definite 4×4 matrix by Gauss-Jordan with partial pivoting. */
function invert4(a: Float64Array): Float64Array {
  const n = MEAS;
  const m = new Float64Array(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[pivot * n + c])) pivot = r;
    if (pivot !== c) {
      for (let k = 0; k < n; k++) {
        [m[c * n + k], m[pivot * n + k]] = [m[pivot * n + k], m[c * n + k]];
        [inv[c * n + k], inv[pivot * n + k]] = [inv[pivot * n + k], inv[c * n + k]];
      }
    }
    const d = m[c * n + c];
    for (let k = 0; k < n; k++) {
      m[c * n + k] /= d;
      inv[c * n + k] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c];
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        m[r * n + k] -= f * m[c * n + k];
        inv[r * n + k] -= f * inv[c * n + k];
      }
    }
  }
  return inv;
}

/**
 * Correct the state with a measurement: K = P Hᵀ S⁻¹, x' = x + K (z − H x), P' = P − K S Kᵀ.
 * Works in place and returns the same state.
 */
export function kalmanUpdate(state: KalmanState, measurement: ArrayLike<number>): KalmanState {
  const { mean: pm, covariance: S } = kalmanProject(state);
  const P = state.covariance;
  const sInv = invert4(S);
  // P Hᵀ is the first four columns of P (8×4).
  const K = new Float64Array(DIM * MEAS);
  for (let i = 0; i < DIM; i++) {
    for (let j = 0; j < MEAS; j++) {
      let acc = 0;
      for (let k = 0; k < MEAS; k++) acc += P[i * DIM + k] * sInv[k * MEAS + j];
      K[i * MEAS + j] = acc;
    }
  }
  const innovation = new Float64Array(MEAS);
  for (let j = 0; j < MEAS; j++) innovation[j] = measurement[j] - pm[j];
  for (let i = 0; i < DIM; i++) {
    let acc = 0;
    for (let j = 0; j < MEAS; j++) acc += K[i * MEAS + j] * innovation[j];
    state.mean[i] += acc;
  }
  // K S Kᵀ = K (P Hᵀ)ᵀ since K S = P Hᵀ.
  const next = new Float64Array(P);
  for (let i = 0; i < DIM; i++) {
    for (let j = 0; j < DIM; j++) {
      let acc = 0;
      for (let k = 0; k < MEAS; k++) acc += K[i * MEAS + k] * P[j * DIM + k];
      next[i * DIM + j] -= acc;
    }
  }
  state.covariance = next;
  return state;
}

/** xyxy box -> (cx, cy, aspect, h). */
export function xyxyToXyah(x1: number, y1: number, x2: number, y2: number): Float64Array {
  const w = x2 - x1;
  const h = y2 - y1;
  return Float64Array.of((x1 + x2) / 2, (y1 + y2) / 2, h > 0 ? w / h : 0, h);
}

/** (cx, cy, aspect, h) state mean -> xyxy box. */
export function xyahToXyxy(mean: ArrayLike<number>): [number, number, number, number] {
  const h = mean[3];
  const w = mean[2] * h;
  return [mean[0] - w / 2, mean[1] - h / 2, mean[0] + w / 2, mean[1] + h / 2];
}
