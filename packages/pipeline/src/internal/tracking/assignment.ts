/** Result of {@link assignWithLimit}: matched (row, col) pairs and what stayed unmatched. */
export interface Assignment {
  matches: [row: number, col: number][];
  unmatchedRows: number[];
  unmatchedCols: number[];
}

/** Stand-in for "forbidden" in the augmented matrix; finite so the potentials stay finite. */
const FORBIDDEN = 1e9;

/**
 * Minimum-cost square assignment (Hungarian method with potentials, O(n³)).
 * `cost` is row-major n×n; returns `rowToCol`.
 */
export function solveSquare(cost: Float64Array, n: number): Int32Array {
  // 1-based arrays in the classic shortest-augmenting-path formulation.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const colOwner = new Int32Array(n + 1); // row assigned to each column, 0 = none
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let row = 1; row <= n; row++) {
    colOwner[0] = row;
    let col0 = 0;
    minv.fill(Number.POSITIVE_INFINITY);
    used.fill(0);
    do {
      used[col0] = 1;
      const r = colOwner[col0];
      let delta = Number.POSITIVE_INFINITY;
      let col1 = 0;
      for (let c = 1; c <= n; c++) {
        if (used[c]) continue;
        const reduced = cost[(r - 1) * n + (c - 1)] - u[r] - v[c];
        if (reduced < minv[c]) {
          minv[c] = reduced;
          way[c] = col0;
        }
        if (minv[c] < delta) {
          delta = minv[c];
          col1 = c;
        }
      }
      for (let c = 0; c <= n; c++) {
        if (used[c]) {
          u[colOwner[c]] += delta;
          v[c] -= delta;
        } else {
          minv[c] -= delta;
        }
      }
      col0 = col1;
    } while (colOwner[col0] !== 0);
    do {
      const prev = way[col0];
      colOwner[col0] = colOwner[prev];
      col0 = prev;
    } while (col0 !== 0);
  }
  const rowToCol = new Int32Array(n).fill(-1);
  for (let c = 1; c <= n; c++) if (colOwner[c] > 0) rowToCol[colOwner[c] - 1] = c - 1;
  return rowToCol;
}

/**
 * Optimal assignment of a rows×cols cost matrix where a pair is only worth making when
 * its cost is below `limit`. Each row and column may also stay unmatched at cost
 * `limit / 2`, so a pair is chosen only if it beats leaving both sides alone, which is
 * how LAPJV's `cost_limit` behaves.
 *
 * A pair over the limit costs more than leaving both sides unmatched, so an optimum
 * only uses pairs at or under it: the problem splits into the connected components of
 * that (in tracking, sparse) bipartite graph, and each is solved exactly on its own.
 * 100 tracks against 100 detections become many tiny solves instead of one O(n³) on 200².
 */
export function assignWithLimit(cost: Float64Array, rows: number, cols: number, limit: number): Assignment {
  if (rows === 0 || cols === 0) {
    return { matches: [], unmatchedRows: range(rows), unmatchedCols: range(cols) };
  }
  // union-find over rows (0..rows-1) and columns (rows..rows+cols-1)
  const parent = new Int32Array(rows + cols);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (cost[r * cols + c] <= limit) {
        const a = find(r);
        const b = find(rows + c);
        if (a !== b) parent[a] = b;
      }
    }
  }
  const groups = new Map<number, { rows: number[]; cols: number[] }>();
  const groupOf = (root: number) => {
    let g = groups.get(root);
    if (!g) {
      g = { rows: [], cols: [] };
      groups.set(root, g);
    }
    return g;
  };
  for (let r = 0; r < rows; r++) groupOf(find(r)).rows.push(r);
  for (let c = 0; c < cols; c++) groupOf(find(rows + c)).cols.push(c);

  const rowToCol = new Int32Array(rows).fill(-1);
  const colMatched = new Uint8Array(cols);
  for (const g of groups.values()) {
    if (g.rows.length === 0 || g.cols.length === 0) continue;
    const sub = new Float64Array(g.rows.length * g.cols.length);
    for (let i = 0; i < g.rows.length; i++) {
      for (let j = 0; j < g.cols.length; j++) sub[i * g.cols.length + j] = cost[g.rows[i] * cols + g.cols[j]];
    }
    for (const [i, j] of assignDense(sub, g.rows.length, g.cols.length, limit)) {
      rowToCol[g.rows[i]] = g.cols[j];
      colMatched[g.cols[j]] = 1;
    }
  }
  const matches: [number, number][] = [];
  const unmatchedRows: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (rowToCol[r] >= 0) matches.push([r, rowToCol[r]]);
    else unmatchedRows.push(r);
  }
  const unmatchedCols: number[] = [];
  for (let c = 0; c < cols; c++) if (!colMatched[c]) unmatchedCols.push(c);
  return { matches, unmatchedRows, unmatchedCols };
}

/** {@link assignWithLimit} on one dense block: the matrix padded to (rows+cols)² and solved exactly. */
export function assignDense(
  cost: Float64Array,
  rows: number,
  cols: number,
  limit: number,
): [row: number, col: number][] {
  const n = rows + cols;
  const big = new Float64Array(n * n);
  const half = limit / 2;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let value: number;
      if (r < rows && c < cols) value = cost[r * cols + c];
      else if (r < rows)
        value = c - cols === r ? half : FORBIDDEN; // row r left unmatched
      else if (c < cols)
        value = r - rows === c ? half : FORBIDDEN; // column c left unmatched
      else value = 0; // dummy with dummy
      big[r * n + c] = value;
    }
  }
  const rowToCol = solveSquare(big, n);
  const matches: [number, number][] = [];
  for (let r = 0; r < rows; r++) {
    const c = rowToCol[r];
    if (c >= 0 && c < cols && cost[r * cols + c] <= limit) matches.push([r, c]);
  }
  return matches;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
