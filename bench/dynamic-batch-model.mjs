// Rewrites an ONNX model's graph inputs and outputs to a symbolic first dimension ("N") and drops the
// stored intermediate shapes, so a model exported with batch 1 can be tried with dynamic batching.
// It works only when the graph itself does not bake the batch size in (Reshape to [1, ...]):
// check the result by running a batch of 2. Used by bench/parallel-api.mjs; writes next to `out`.
//
//   node bench/dynamic-batch-model.mjs in.onnx out.onnx
import { readFileSync, writeFileSync } from 'node:fs';

/** Protobuf wire reading: [field, wireType, value(Buffer|bigint)] for every field of `buf`. */
function fields(buf) {
  const out = [];
  let i = 0;
  const varint = () => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const tag = Number(varint());
    const [f, w] = [tag >>> 3, tag & 7];
    if (w === 0) out.push([f, w, varint()]);
    else if (w === 2) {
      const n = Number(varint());
      out.push([f, w, buf.subarray(i, i + n)]);
      i += n;
    } else if (w === 5) {
      out.push([f, w, buf.subarray(i, i + 4)]);
      i += 4;
    } else if (w === 1) {
      out.push([f, w, buf.subarray(i, i + 8)]);
      i += 8;
    } else throw new Error(`wire type ${w}`);
  }
  return out;
}

function encVarint(v) {
  const bytes = [];
  let x = BigInt(v);
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x) b |= 0x80;
    bytes.push(b);
  } while (x);
  return Buffer.from(bytes);
}

function encode(list) {
  return Buffer.concat(
    list.flatMap(([f, w, v]) => {
      const tag = encVarint((f << 3) | w);
      if (w === 0) return [tag, encVarint(v)];
      if (w === 2) return [tag, encVarint(v.length), v];
      return [tag, v];
    }),
  );
}

/** Apply `fn` to the length-delimited field(s) numbered `f`. */
const mapField = (buf, f, fn) =>
  encode(fields(buf).map(([g, w, v]) => (g === f && w === 2 ? [g, w, fn(v)] : [g, w, v])));

/** ValueInfoProto -> its first dimension made symbolic. */
function dynamicFirstDim(valueInfo) {
  return mapField(valueInfo, 2, (type) =>
    mapField(type, 1, (tensor) =>
      mapField(tensor, 2, (shape) => {
        let first = true;
        return encode(
          fields(shape).map(([g, w, v]) => {
            if (g !== 1 || !first) return [g, w, v];
            first = false;
            return [1, 2, encode([[2, 2, Buffer.from('N')]])];
          }),
        );
      }),
    ),
  );
}

export function makeBatchDynamic(model) {
  return mapField(model, 7, (graph) =>
    encode(
      fields(graph)
        .filter(([g]) => g !== 13) // value_info: stored shapes with batch 1
        .map(([g, w, v]) => ((g === 11 || g === 12) && w === 2 ? [g, w, dynamicFirstDim(v)] : [g, w, v])),
    ),
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [input, output] = process.argv.slice(2);
  writeFileSync(output, makeBatchDynamic(readFileSync(input)));
  console.log(`wrote ${output}`);
}
