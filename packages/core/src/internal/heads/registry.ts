import { familyAlias } from '../manifest/family-aliases.js';
import type { ModelManifest } from '../manifest/types.js';
import type { TensorInfo } from '../runtime/types.js';
import { end2endHead, resolveEnd2EndLayout } from './end2end.js';
import { rowFamilyFromAnchorCount } from './row-family.js';
import { describe, dimOf, familyError } from './tensors.js';
import type { DetectionHead } from './types.js';
import { yolov5Head } from './yolov5.js';
import { yolov8Head } from './yolov8.js';
import { yolov8PoseHead } from './yolov8-pose.js';
import { yolov8SegHead } from './yolov8-seg.js';
import { yoloxHead } from './yolox.js';

const HEADS = new Map<string, DetectionHead>(
  [yolov8Head, yolov5Head, yoloxHead, end2endHead, yolov8SegHead, yolov8PoseHead].map((h) => [h.family, h]),
);

/**
 * Add (or replace) a head, so a family name in manifests resolves to it.
 * Task variants are registered as `<family>-seg` / `<family>-pose`.
 *
 * @example
 * registerHead(new MyHead()); // manifest.family === 'my-family'
 */
export function registerHead(head: DetectionHead): void {
  HEADS.set(head.family, head);
}

/** Family names with a registered head. */
export function registeredFamilies(): string[] {
  return [...HEADS.keys()];
}

/**
 * A manifest family spelling mapped to a registered family: exact names
 * first, then known aliases (`yolov8n` -> 'yolov8', `yolov7` -> 'yolov5',
 * `rfdetr-base` -> 'end2end', ...). Returns undefined when unknown.
 *
 * @example
 * normalizeFamily('YOLO11s') // 'yolov8'
 */
export function normalizeFamily(family: string): string | undefined {
  const f = family.trim().toLowerCase();
  if (HEADS.has(f)) return f;
  return familyAlias(f);
}

/**
 * The registered head for a family name (aliases allowed); throws
 * CORE_ERR_MODEL_FAMILY for unknown names.
 */
export function getHead(family: string): DetectionHead {
  const name = normalizeFamily(family);
  const head = name ? HEADS.get(name) : undefined;
  if (!head) {
    throw familyError(
      `unknown model family '${family}'; known families: ${registeredFamilies().join(', ')}, or 'auto'`,
    );
  }
  return head;
}

/**
 * Guess the family from output shapes alone (for `manifest.family: 'auto'`).
 * Rules, with C = `numClasses` and the batch axis first:
 * - one `[1, 4+C(+E), N]` with N > channels -> 'yolov8' (extra `[1, 32, H, W]` prototypes allowed)
 * - one `[1, N, 5+C(+E)]` with N > values -> 'yolox' when N is one row per grid cell over
 *   strides 8/16/32 of the input, 'yolov5' when it is three rows per cell (see
 *   {@link rowFamilyFromAnchorCount}); any other N cannot be told apart and is refused
 * - one `[1, N, 6]` -> 'end2end' (x1, y1, x2, y2, score, class)
 * - boxes `[1, Q, 4]` + logits `[1, Q, C | C+1]` -> 'end2end' (DETR style)
 *
 * `input` is the network input size (it decides YOLOX against YOLOv5; without
 * it square sizes are tried). Throws CORE_ERR_MODEL_FAMILY when no rule or
 * more than one rule fits, naming the manifest field that settles it.
 *
 * @example
 * detectFamily([{ name: 'output0', type: 'float32', shape: [1, 84, 8400] }], 80) // 'yolov8'
 * detectFamily([{ name: 'output', type: 'float32', shape: [1, 3549, 85] }], 80, { width: 416, height: 416 }) // 'yolox'
 */
export function detectFamily(
  outputs: readonly TensorInfo[],
  numClasses: number,
  input?: { width: number; height: number },
): string {
  const shapes = outputs.map(describe).join(', ') || 'no outputs';
  const rank3 = outputs.filter((o) => o.shape.length === 3);
  const fits = new Set<string>();

  if (rank3.length === 2) {
    try {
      const layout = resolveEnd2EndLayout(outputs);
      if (layout.kind === 'detr') {
        const logits = rank3.find((o) => o.name === layout.logits)!;
        const k = dimOf(logits, 2);
        if (k === numClasses || k === numClasses + 1) fits.add('end2end');
      }
    } catch {
      // not a DETR pair; no rule fits
    }
  } else if (rank3.length === 1 && outputs.every((o) => o.shape.length === 3 || o.shape.length === 4)) {
    const info = rank3[0];
    const a = dimOf(info, 1);
    const b = dimOf(info, 2);
    // NaN (dynamic) sizes make every comparison false, so an unknown axis never decides.
    const aOpen = Number.isNaN(a);
    const bOpen = Number.isNaN(b);
    if (a >= 4 + numClasses && (bOpen || b > a)) fits.add('yolov8');
    if (b >= 5 + numClasses && (aOpen || a > b))
      fits.add(rowFamilyFromAnchorCount(a, input) ?? ROW_UNDECIDED);
    if (b === 6 && (aOpen || a > b) && outputs.length === 1) fits.add('end2end');
  }

  const details = { outputs: outputs.map((o) => ({ name: o.name, shape: o.shape })) };
  const candidates = [...fits].flatMap((f) => (f === ROW_UNDECIDED ? ['yolov5', 'yolox'] : [f]));
  if (fits.size === 1 && !fits.has(ROW_UNDECIDED)) return candidates[0];
  if (fits.size === 1) {
    const at = input ? ` at a ${input.width}×${input.height} input` : '';
    throw familyError(
      `cannot tell YOLOv5 from YOLOX for outputs ${shapes}: ${Number.isNaN(dimOf(rank3[0], 1)) ? 'the row count is dynamic' : `${dimOf(rank3[0], 1)} rows${at} is neither one row per grid cell over strides 8/16/32 (YOLOX) nor three (YOLOv5)`}; ${SET_FAMILY_HINT}`,
      { ...details, candidates },
    );
  }
  if (fits.size > 1) {
    throw familyError(
      `model family is ambiguous for outputs ${shapes} with ${numClasses} classes (could be ${candidates.join(' or ')}); ${SET_FAMILY_HINT}`,
      { ...details, candidates },
    );
  }
  throw familyError(
    `cannot detect the model family from outputs ${shapes} with ${numClasses} classes; ${SET_FAMILY_HINT} (${registeredFamilies().join(', ')})`,
    details,
  );
}

/** Marks a `[1, N, 5+C]` output whose N fits neither YOLOX nor YOLOv5. */
const ROW_UNDECIDED = 'yolov5|yolox';

/** How a user settles the family: every refusal says it the same way. */
const SET_FAMILY_HINT =
  'set "family" in an inference.json manifest beside the weights (see the Models section of packages/core/README.md)';

/**
 * The head for a model: `manifest.family` (or, when 'auto', the family
 * detected from `outputs`), switched to its `-seg` / `-pose` variant when
 * the task asks for one and such a head is registered, then validated
 * against `outputs`.
 *
 * @example
 * const head = headFor(manifest, session.outputs);
 * const [dets] = head.decode(await session.run(feeds), 1, ctx);
 */
export function headFor(manifest: ModelManifest, outputs: readonly TensorInfo[]): DetectionHead {
  const family =
    manifest.family.trim().toLowerCase() === 'auto'
      ? detectFamily(outputs, manifest.classes.length, manifest.input)
      : manifest.family;
  let head = getHead(family);
  const variant =
    manifest.task === 'instance-segmentation'
      ? '-seg'
      : manifest.task === 'keypoint-detection'
        ? '-pose'
        : '';
  if (variant && !head.family.endsWith(variant)) head = HEADS.get(head.family + variant) ?? head;
  head.validate(outputs, manifest);
  return head;
}
