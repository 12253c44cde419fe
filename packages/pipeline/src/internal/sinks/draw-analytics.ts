import type { RgbImage } from '@inference-ts/core';
import {
  type Color,
  contrastingTextColor,
  DEFAULT_PALETTE,
  defaultStrokeWidth,
  defaultTextScale,
  drawLine,
  drawText,
  fillCircle,
  fillRect,
  measureText,
} from '@inference-ts/core/annotate';
import type { FrameAnalytics } from '../analytics/frame-analytics.js';

/**
 * A text label on a filled box placed beside (x, y): to its right and below when
 * `dx`/`dy` ≥ 0, to its left/above otherwise; kept inside the image.
 */
function label(
  image: RgbImage,
  x: number,
  y: number,
  text: string,
  bg: Color,
  scale: number,
  dx = 1,
  dy = 1,
): void {
  const size = measureText(text, scale);
  const pad = 2 * scale;
  const w = size.width + 2 * pad;
  const h = size.height + 2 * pad;
  const left = dx >= 0 ? x : x - w;
  const top = dy >= 0 ? y : y - h;
  const x0 = Math.max(0, Math.min(image.width - w, Math.round(left)));
  const y0 = Math.max(0, Math.min(image.height - h, Math.round(top)));
  fillRect(image, x0, y0, x0 + w, y0 + h, bg);
  drawText(image, x0 + pad, y0 + pad, text, contrastingTextColor(bg), scale);
}

/**
 * Draws lines and zones with their live counts onto `image` (in place): each zone's
 * outline with `name: count` inside its top-left corner; each line with an arrow from
 * its middle towards its "in" side and `name in N out M` on its "out" side.
 */
export function drawAnalytics(image: RgbImage, analytics: FrameAnalytics): void {
  const stroke = defaultStrokeWidth(image.width, image.height);
  const scale = defaultTextScale(image.width, image.height);
  analytics.zones.forEach((zone, z) => {
    const color = DEFAULT_PALETTE[(z * 2 + 5) % DEFAULT_PALETTE.length];
    const pts = zone.polygon;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    for (let i = 0; i < pts.length; i++) {
      const [xa, ya] = pts[i];
      const [xb, yb] = pts[(i + 1) % pts.length];
      drawLine(image, xa, ya, xb, yb, color, stroke);
      fillCircle(image, xa, ya, stroke / 2, color);
      minX = Math.min(minX, xa);
      minY = Math.min(minY, ya);
    }
    label(image, minX + stroke, minY + stroke, `${zone.name}: ${zone.count}`, color, scale);
  });
  analytics.lines.forEach((line, l) => {
    const color = DEFAULT_PALETTE[(l * 2) % DEFAULT_PALETTE.length];
    const [sx, sy] = line.start;
    const [ex, ey] = line.end;
    drawLine(image, sx, sy, ex, ey, color, stroke * 1.5);
    fillCircle(image, sx, sy, stroke * 1.5, color);
    fillCircle(image, ex, ey, stroke * 1.5, color);
    // the "in" side is where dx·(py−sy) − dy·(px−sx) < 0, i.e. along n = (dy, −dx)
    const len = Math.hypot(ex - sx, ey - sy);
    const nx = (ey - sy) / len;
    const ny = -(ex - sx) / len;
    const mx = (sx + ex) / 2;
    const my = (sy + ey) / 2;
    const arrow = 12 * scale;
    const tipX = mx + nx * arrow;
    const tipY = my + ny * arrow;
    drawLine(image, mx, my, tipX, tipY, color, stroke);
    // arrow head: two strokes back from the tip, ±45°
    const head = 5 * scale;
    for (const side of [1, -1]) {
      const hx = -nx * Math.SQRT1_2 - side * ny * Math.SQRT1_2;
      const hy = -ny * Math.SQRT1_2 + side * nx * Math.SQRT1_2;
      drawLine(image, tipX, tipY, tipX + hx * head, tipY + hy * head, color, stroke);
    }
    // the counts on the "out" side, a quarter of the way along, clear of the arrow
    const qx = sx + (ex - sx) * 0.25 - nx * 3 * stroke;
    const qy = sy + (ey - sy) * 0.25 - ny * 3 * stroke;
    label(image, qx, qy, `${line.name} in ${line.in} out ${line.out}`, color, scale, -nx, -ny);
  });
}
