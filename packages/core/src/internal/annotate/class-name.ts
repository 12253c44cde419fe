import type { Detections } from '../detections/detections.js';

/**
 * The class name of detection `i`: `detections.data.className[i]` when it is a
 * string, else `classNames[classId]`, else undefined.
 * @example
 * classNameOf(d, 0, ['person', 'bicycle']) // 'bicycle' when d.classId[0] === 1 and d has no className column
 */
export function classNameOf(
  detections: Detections,
  i: number,
  classNames?: readonly string[],
): string | undefined {
  const column = detections.data.className;
  const fromData = column?.[i];
  if (typeof fromData === 'string') return fromData;
  const fromList = classNames?.[detections.classId[i]];
  return typeof fromList === 'string' ? fromList : undefined;
}
