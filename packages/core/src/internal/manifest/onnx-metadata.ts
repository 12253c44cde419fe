import { open } from 'node:fs/promises';
import type { ModelManifest, Task } from './types.js';

/**
 * Reads the `metadata_props` key/value pairs of an ONNX file without loading
 * the graph: walks the top-level ModelProto fields and skips the others by
 * their length, reading only a few bytes at each field boundary.
 */
export async function readOnnxMetadata(path: string): Promise<Record<string, string>> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(16);
    const props: Record<string, string> = {};
    let pos = 0;
    while (pos < size) {
      const { bytesRead } = await fh.read(head, 0, Math.min(16, size - pos), pos);
      let i = 0;
      const varint = (): number => {
        let r = 0;
        let mul = 1;
        for (;;) {
          if (i >= bytesRead) throw new RangeError('truncated varint');
          const c = head[i++];
          r += (c & 0x7f) * mul;
          mul *= 128;
          if (c < 0x80) return r;
        }
      };
      const key = varint();
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (wire === 0) {
        varint();
        pos += i;
      } else if (wire === 2) {
        const len = varint();
        if (field === 14 && len < 1 << 20) {
          const entry = Buffer.alloc(len);
          await fh.read(entry, 0, len, pos + i);
          const kv = parseStringPair(entry);
          if (kv) props[kv[0]] = kv[1];
        }
        pos += i + len;
      } else if (wire === 5) pos += i + 4;
      else if (wire === 1) pos += i + 8;
      else break; // groups or garbage: not an ONNX ModelProto we understand
    }
    return props;
  } catch {
    return {};
  } finally {
    await fh.close();
  }
}

/** StringStringEntryProto: key = field 1, value = field 2. */
function parseStringPair(b: Buffer): [string, string] | undefined {
  let i = 0;
  let k: string | undefined;
  let v = '';
  while (i < b.length) {
    const tag = b[i++];
    let len = 0;
    let mul = 1;
    for (;;) {
      const c = b[i++];
      len += (c & 0x7f) * mul;
      mul *= 128;
      if (c < 0x80) break;
    }
    const s = b.toString('utf8', i, i + len);
    i += len;
    if (tag >> 3 === 1) k = s;
    else if (tag >> 3 === 2) v = s;
  }
  return k === undefined ? undefined : [k, v];
}

/** Ultralytics writes `names` as a Python dict literal: `{0: 'person', 1: "it's"}`. */
export function parsePythonNames(s: string): string[] {
  const out: string[] = [];
  const re = /(\d+)\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (let m = re.exec(s); m; m = re.exec(s)) out[Number(m[1])] = (m[2] ?? m[3]).replace(/\\(.)/g, '$1');
  return Array.from(out, (n, i) => n ?? `class_${i}`);
}

const ULTRALYTICS_TASKS: Record<string, { task: Task; family: string }> = {
  detect: { task: 'object-detection', family: 'yolov8' },
  segment: { task: 'instance-segmentation', family: 'yolov8-seg' },
  pose: { task: 'keypoint-detection', family: 'yolov8-pose' },
  classify: { task: 'classification', family: 'classification' },
};

/**
 * What an Ultralytics export says about itself (task, class names, input
 * size), applied over a default manifest. Other metadata is ignored.
 */
export function applyUltralyticsMetadata(
  manifest: ModelManifest,
  meta: Record<string, string>,
): ModelManifest {
  if (meta.author !== 'Ultralytics' && !meta.task) return manifest;
  const m: ModelManifest = { ...manifest, input: { ...manifest.input } };
  const t = ULTRALYTICS_TASKS[meta.task ?? ''];
  if (t) {
    m.task = t.task;
    m.family = meta.end2end === 'True' && t.task === 'object-detection' ? 'end2end' : t.family;
    if (t.task === 'classification') {
      // Ultralytics classifiers: centre crop, RGB 0..1, no mean/std in the exported graph's input
      m.input.resize = 'center-crop';
    }
  }
  if (meta.names) m.classes = parsePythonNames(meta.names);
  const size = meta.imgsz?.match(/(\d+)\D+(\d+)/);
  if (size) {
    m.input.height = Number(size[1]);
    m.input.width = Number(size[2]);
  }
  return m;
}
