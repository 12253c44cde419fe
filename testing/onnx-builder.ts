/**
 * Builds tiny ONNX models in memory for tests, so that no binary model is
 * committed: a minimal protobuf writer for the handful of ModelProto fields
 * ONNX Runtime needs (graph, nodes, attributes, initializers, value infos).
 */

type Bytes = number[];

function varint(out: Bytes, v: number | bigint): void {
  let n = BigInt.asUintN(64, BigInt(v));
  while (n >= 0x80n) {
    out.push(Number((n & 0x7fn) | 0x80n));
    n >>= 7n;
  }
  out.push(Number(n));
}
function key(out: Bytes, field: number, wire: number): void {
  varint(out, (field << 3) | wire);
}
function fInt(out: Bytes, field: number, v: number | bigint): void {
  key(out, field, 0);
  varint(out, v);
}
function fBytes(out: Bytes, field: number, b: ArrayLike<number>): void {
  key(out, field, 2);
  varint(out, b.length);
  for (let i = 0; i < b.length; i++) out.push(b[i]);
}
function fString(out: Bytes, field: number, s: string): void {
  fBytes(out, field, new TextEncoder().encode(s));
}
function fFloat(out: Bytes, field: number, v: number): void {
  key(out, field, 5);
  const b = new Uint8Array(new Float32Array([v]).buffer);
  out.push(...b);
}
function msg(build: (o: Bytes) => void): Bytes {
  const o: Bytes = [];
  build(o);
  return o;
}

export type ElemType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64' | 'bool';
const ELEM: Record<ElemType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9 };

export interface ValueSpec {
  name: string;
  type?: ElemType;
  /** numbers are fixed sizes, strings are symbolic (dynamic) dimensions */
  shape: (number | string)[];
}

export interface TensorSpec {
  name: string;
  type?: ElemType;
  dims: number[];
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | number[];
}

export type AttrValue =
  | number
  | string
  | number[]
  | { float: number }
  | { floats: number[] }
  | { tensor: TensorSpec };

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
  domain?: string;
}

export interface GraphSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  opset?: number;
}

function tensorBytes(t: TensorSpec): Bytes {
  const type = t.type ?? 'float32';
  let raw: Uint8Array;
  const d = t.data;
  if (Array.isArray(d)) {
    const typed =
      type === 'float32'
        ? new Float32Array(d)
        : type === 'int64'
          ? BigInt64Array.from(d.map((v) => BigInt(v)))
          : type === 'int32'
            ? new Int32Array(d)
            : type === 'int8'
              ? new Int8Array(d)
              : new Uint8Array(d);
    raw = new Uint8Array(typed.buffer);
  } else {
    raw = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  }
  return msg((o) => {
    for (const dim of t.dims) fInt(o, 1, dim);
    fInt(o, 2, ELEM[type]);
    fString(o, 8, t.name);
    fBytes(o, 9, raw);
  });
}

function valueInfo(v: ValueSpec): Bytes {
  const shape = msg((o) => {
    for (const d of v.shape) {
      fBytes(
        o,
        1,
        msg((dd) => (typeof d === 'number' ? fInt(dd, 1, d) : fString(dd, 2, d))),
      );
    }
  });
  const tensorType = msg((o) => {
    fInt(o, 1, ELEM[v.type ?? 'float32']);
    fBytes(o, 2, shape);
  });
  return msg((o) => {
    fString(o, 1, v.name);
    fBytes(
      o,
      2,
      msg((t) => fBytes(t, 1, tensorType)),
    );
  });
}

function attribute(name: string, v: AttrValue): Bytes {
  return msg((o) => {
    fString(o, 1, name);
    if (typeof v === 'number') {
      fInt(o, 3, v);
      fInt(o, 20, 2);
    } else if (typeof v === 'string') {
      fString(o, 4, v);
      fInt(o, 20, 3);
    } else if (Array.isArray(v)) {
      for (const i of v) fInt(o, 8, i);
      fInt(o, 20, 7);
    } else if ('float' in v) {
      fFloat(o, 2, v.float);
      fInt(o, 20, 1);
    } else if ('floats' in v) {
      for (const f of v.floats) fFloat(o, 7, f);
      fInt(o, 20, 6);
    } else {
      fBytes(o, 5, tensorBytes(v.tensor));
      fInt(o, 20, 4);
    }
  });
}

/** Serialise a graph to ONNX ModelProto bytes (IR 8, default opset 17). */
export function buildOnnxModel(g: GraphSpec): Uint8Array {
  const graph = msg((o) => {
    g.nodes.forEach((n, i) => {
      fBytes(
        o,
        1,
        msg((m) => {
          for (const inp of n.inputs) fString(m, 1, inp);
          for (const out of n.outputs) fString(m, 2, out);
          fString(m, 3, `${n.op}_${i}`);
          fString(m, 4, n.op);
          for (const [k, v] of Object.entries(n.attrs ?? {})) fBytes(m, 5, attribute(k, v));
          if (n.domain) fString(m, 7, n.domain);
        }),
      );
    });
    fString(o, 2, 'test_graph');
    for (const t of g.initializers ?? []) fBytes(o, 5, tensorBytes(t));
    for (const v of g.inputs) fBytes(o, 11, valueInfo(v));
    for (const v of g.outputs) fBytes(o, 12, valueInfo(v));
  });
  const model = msg((o) => {
    fInt(o, 1, 8);
    fString(o, 2, 'inference-ts-tests');
    fBytes(o, 7, graph);
    fBytes(
      o,
      8,
      msg((m) => {
        fString(m, 1, '');
        fInt(m, 2, g.opset ?? 17);
      }),
    );
  });
  return Uint8Array.from(model);
}

/**
 * A model whose outputs are fixed tensors you designed, whatever the image:
 * each output = constant + 0 * ReduceMean(input), so the input is consumed and
 * the batch dimension follows the input's when `perBatch` repeats the constant.
 *
 * @param input e.g. `{ name: 'images', shape: [1, 3, 64, 64] }`
 * @param outputs name -> { dims (batch 1), data }
 */
export function constantOutputModel(
  input: ValueSpec,
  outputs: Record<string, { dims: number[]; data: Float32Array | number[] }>,
): Uint8Array {
  const nodes: NodeSpec[] = [
    { op: 'ReduceMean', inputs: [input.name], outputs: ['mean_all'], attrs: { keepdims: 0 } },
    { op: 'Mul', inputs: ['mean_all', 'zero'], outputs: ['zero_scalar'] },
  ];
  const initializers: TensorSpec[] = [{ name: 'zero', dims: [], data: [0] }];
  const outSpecs: ValueSpec[] = [];
  for (const [name, o] of Object.entries(outputs)) {
    initializers.push({
      name: `${name}_const`,
      dims: o.dims,
      data: Array.isArray(o.data) ? new Float32Array(o.data) : o.data,
    });
    nodes.push({ op: 'Add', inputs: [`${name}_const`, 'zero_scalar'], outputs: [name] });
    outSpecs.push({ name, shape: o.dims });
  }
  return buildOnnxModel({ inputs: [input], outputs: outSpecs, nodes, initializers });
}
