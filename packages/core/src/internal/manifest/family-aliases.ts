/**
 * The one table of model-family spellings (Roboflow `model_type`s, exporter
 * and manifest names) -> the decoding family whose head reads the outputs.
 * Both the manifest reader (`familyFromModelType`) and the head registry
 * (`normalizeFamily`) look names up here, so they cannot disagree.
 *
 * Order matters: the NMS-free group comes first so that 'yolov10' never falls
 * into the v8 group; each pattern names whole version numbers.
 */
const FAMILY_ALIASES: readonly (readonly [RegExp, string])[] = [
  [/^(yolov10|yolo-?v?26|yolo-?e2e|rf-?detr|rt-?detr|detr|end2end|nms-?free)/, 'end2end'],
  [/^(yolov8|yolov9|yolov11|yolo11|yolov12|yolo12|ultralytics)/, 'yolov8'],
  [/^(yolov5|yolov7)/, 'yolov5'],
  [/^yolox/, 'yolox'],
];

/**
 * The family a spelling belongs to, or undefined when no alias matches
 * (case and surrounding spaces ignored).
 *
 * @example
 * familyAlias('yolo12n');      // 'yolov8'
 * familyAlias('detr-resnet');  // 'end2end'
 * familyAlias('vit');          // undefined
 */
export function familyAlias(spelling: string): string | undefined {
  const s = spelling.trim().toLowerCase();
  for (const [pattern, family] of FAMILY_ALIASES) if (pattern.test(s)) return family;
  return undefined;
}
