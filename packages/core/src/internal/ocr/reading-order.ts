/**
 * Group boxes into text lines and order them as a person reads: lines top to
 * bottom, boxes in a line left to right. A box joins a line when their
 * vertical extents overlap by at least `minOverlap` of the smaller height; the
 * line's extent is the mean of its members' so one tall box cannot swallow
 * the next line.
 *
 * @param boxes axis-aligned `[x1, y1, x2, y2]` per box.
 * @returns lines of box indices.
 * @example
 * readingOrder([[50, 0, 90, 10], [0, 1, 40, 11], [0, 20, 40, 30]]) // [[1, 0], [2]]
 */
export function readingOrder(
  boxes: readonly (readonly [number, number, number, number])[],
  minOverlap = 0.5,
): number[][] {
  const byCentre = boxes
    .map((_, i) => i)
    .sort((a, b) => boxes[a][1] + boxes[a][3] - (boxes[b][1] + boxes[b][3]));
  const lines: { members: number[]; top: number; bottom: number }[] = [];
  for (const i of byCentre) {
    const [, y1, , y2] = boxes[i];
    let best = -1;
    let bestOverlap = 0;
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l];
      const overlap = Math.min(y2, line.bottom) - Math.max(y1, line.top);
      const needed = minOverlap * Math.min(y2 - y1, line.bottom - line.top);
      if (overlap > 0 && overlap >= needed && overlap > bestOverlap) {
        best = l;
        bestOverlap = overlap;
      }
    }
    if (best < 0) {
      lines.push({ members: [i], top: y1, bottom: y2 });
      continue;
    }
    const line = lines[best];
    const n = line.members.length;
    line.members.push(i);
    line.top = (line.top * n + y1) / (n + 1);
    line.bottom = (line.bottom * n + y2) / (n + 1);
  }
  lines.sort((a, b) => a.top + a.bottom - (b.top + b.bottom));
  return lines.map((line) =>
    line.members.sort((a, b) => boxes[a][0] - boxes[b][0] || boxes[a][1] - boxes[b][1]),
  );
}
