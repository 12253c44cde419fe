/**
 * Friendly model names that Roboflow resolves to `<dataset>/<version>` ids (the table the Python
 * SDK and server keep in `aliases.py`). The SDK de-aliases before calling the server: the legacy
 * v0 route cannot carry a slash-less id, and `/model/add` stores models under the resolved id.
 */

/** Adds `variant-<size>` -> `dataset/<version>` rows for sizes in order. */
function family(
  prefix: string,
  suffix: string,
  dataset: string,
  sizes: string,
  versions: number[],
): [string, string][] {
  return sizes.split(',').map((size, i) => [`${prefix}${size}${suffix}`, `${dataset}/${versions[i]}`]);
}

const YOLOV11: [string, string][] = [
  ...family('yolov11', '-640', 'coco', 'n,s,m,l,x', [25, 26, 27, 28, 29]),
  ...family('yolov11', '-1280', 'coco', 'n,s,m,l,x', [30, 31, 32, 33, 34]),
  ...family('yolov11', '-seg-640', 'coco-dataset-vdnr1', 'n,s,m,l,x', [19, 20, 21, 22, 23]),
];

/** Alias -> `<dataset>/<version>`. Read-only. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries<string>([
    ...family('yolov8', '-640', 'coco', 'n,s,m,l,x', [3, 6, 8, 7, 5]),
    ...family('yolov8', '-1280', 'coco', 'n,s,m,l,x', [9, 10, 11, 12, 13]),
    ...family('yolo-nas-', '-640', 'coco', 's,m,l', [14, 15, 16]),
    ...family('yolov8', '-seg-640', 'coco-dataset-vdnr1', 'n,s,m,l,x', [2, 4, 5, 6, 3]),
    ...family('yolov8', '-seg-1280', 'coco-dataset-vdnr1', 'n,s,m,l,x', [7, 8, 9, 10, 11]),
    ...family('yolov8', '-pose-640', 'coco-pose-detection', 'n,s,m,l,x', [1, 2, 3, 4, 5]),
    ['yolov8x-pose-1280', 'coco-pose-detection/6'],
    ...family('yolov10', '-640', 'coco', 'n,s,m,b,l,x', [19, 20, 21, 22, 23, 24]),
    ...YOLOV11,
    // Ultralytics renamed "yolov11" to "yolo11"; both spellings resolve.
    ...YOLOV11.map(([k, v]): [string, string] => [k.replace('yolov11', 'yolo11'), v]),
    ...family('yolo26', '-640', 'coco', 'n,s,m,l,x', [41, 42, 43, 44, 45]),
    ...family('yolo26', '-seg-640', 'coco-dataset-vdnr1', 'n,s,m,l,x', [27, 28, 29, 31, 34]),
    ...family('yolo26', '-pose-640', 'coco-pose-detection', 'n,s,m,l,x', [12, 13, 14, 15, 16]),
    ...family(
      'rfdetr-',
      '',
      'coco',
      'base,nano,small,medium,large,xlarge,2xlarge',
      [36, 38, 39, 40, 50, 47, 48],
    ),
    ...family(
      'rfdetr-seg-',
      '',
      'coco-dataset-vdnr1',
      'preview,nano,small,medium,large,xlarge,2xlarge',
      [26, 41, 36, 37, 38, 39, 40],
    ),
    ...family('resnet', '', 'classifiers', '18,34,50,101', [1, 2, 3, 4]),
    ['paligemma-3b-mix-224', 'paligemma-pretrains/1'],
    ['paligemma-3b-mix-448', 'paligemma-pretrains/20'],
    ...family(
      'paligemma-3b-ft-',
      '-224',
      'paligemma-pretrains',
      'cococap,screen2words,vqav2,tallyqa,docvqa,ocrvqa',
      [8, 9, 10, 11, 12, 13],
    ),
    ...family(
      'paligemma-3b-ft-',
      '-448',
      'paligemma-pretrains',
      'cococap,screen2words,vqav2,tallyqa,docvqa,ocrvqa',
      [14, 15, 16, 17, 18, 19],
    ),
    ['florence-2-base', 'florence-pretrains/3'],
    ['florence-2-large', 'florence-pretrains/4'],
    ['qwen25-vl-7b', 'qwen-pretrains/1'],
  ]),
);

/**
 * Resolves a model alias to its registered id; other ids are returned unchanged.
 * @example
 * resolveModelAlias('yolov8n-640') // 'coco/3'
 * resolveModelAlias('my-project/2') // 'my-project/2'
 */
export function resolveModelAlias(modelId: string): string {
  return Object.hasOwn(MODEL_ALIASES, modelId) ? MODEL_ALIASES[modelId] : modelId;
}
