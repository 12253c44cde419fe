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
  type RgbImage,
} from '@inference-ts/core';
import type { FrameAnalytics } from '../analytics/frame-analytics.js';

/** A text label on a filled box whose top-left corner is near (x, y), kept inside the image. */
function label(image: RgbImage, x: number, y: number, text: string, bg: Color, scale: number): void {
  const size = measureText(text, scale);
  const pad = 2 * scale;
  const w = size.width + 2 * pad;
  const h = size.height + 2 * pad;
  const x0 = Math.max(0, Math.min(image.width - w, Math.round(x)));
  const y0 = Math.max(0, Math.min(image.height - h, Math.round(y)));
  fillRect(image, x0, y0, x0 + w, y0 + h, bg);
  drawText(image, x0 + pad, y0 + pad, text, contrastingTextColor(bg), scale);
}

/**
 * Draws lines and zones with their live counts onto `image` (in place): each line with an
 * arrow towards its "in" side and `name in N out M`; each zone's outline with `name: count`.
 */
export function drawAnalytics(image: RgbImage, analytics: FrameAnalytics): void {
  const stroke = defaultStrokeWidth(image.width, image.height);
  const scale = defaultTextScale(image.width, image.height);
  analytics.zones.forEach((zone, z) => {
    const color = DEFAULT_PALETTE[(z * 2 + 5) % DEFAULT_PALETTE.length];
    const pts = zone.polygon;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < pts.length; i++) {
      const [xa, ya] = pts[i];
      const [xb, yb] = pts[(i + 1) % pts.length];
      drawLine(image, xa, ya, xb, yb, color, stroke);
      fillCircle(image, xa, ya, stroke / 2, color);
      cx += xa / pts.length;
      cy += ya / pts.length;
    }
    label(image, cx, cy, `${zone.name}: ${zone.count}`, color, scale);
  });
  analytics.lines.forEach((line, l) => {
    const color = DEFAULT_PALETTE[(l * 2) % DEFAULT_PALETTE.length];
    const [sx, sy] = line.start;
    const [ex, ey] = line.end;
    drawLine(image, sx, sy, ex, ey, color, stroke * 1.5);
    fillCircle(image, sx, sy, stroke * 1.5, color);
    fillCircle(image, ex, ey, stroke * 1.5, color);
    // the "in" side is where dx·(py−sy) − dy·(px−sx) < 0, i.e. along (dy, −dx)
    const mx = (sx + ex) / 2;
    const my = (sy + ey) / 2;
    const len = Math.hypot(ex - sx, ey - sy);
    const nx = (ey - sy) / len;
    const ny = -(ex - sx) / len;
    const arrow = 8 * scale;
    drawLine(image, mx, my, mx + nx * arrow, my + ny * arrow, color, stroke);
    fillCircle(image, mx + nx * arrow, my + ny * arrow, stroke * 1.2, color);
    label(image, mx + 4 * scale, my + 4 * scale, `${line.name} in ${line.in} out ${line.out}`, color, scale);
  });
}
