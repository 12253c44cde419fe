/**
 * Converts interleaved RGB to gray in place, keeping 3 equal channels (what
 * Roboflow does with `BGR2GRAY` then `GRAY2BGR`). Weights 0.299/0.587/0.114 in
 * 14-bit fixed point with rounding, which reproduces OpenCV's 8-bit result.
 */
export function grayscaleInPlace(data: Uint8Array): void {
  for (let p = 0; p < data.length; p += 3) {
    const y = (data[p] * 4899 + data[p + 1] * 9617 + data[p + 2] * 1868 + 8192) >> 14;
    data[p] = y;
    data[p + 1] = y;
    data[p + 2] = y;
  }
}
