/**
 * The small colour raster a photo is decoded to (64×64, squashed), and its grey levels: luminance
 * computed in linear light and encoded back with the sRGB curve, as libvips' greyscale does.
 */

/** Interleaved 8-bit samples, `channels` (3, or 4 with alpha) per pixel, row-major. */
export interface ColourView {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

const TO_LINEAR = Float64Array.from({ length: 256 }, (_, value) => {
  const v = value / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
});
const LINEAR_STEPS = 4096;
const FROM_LINEAR = Uint8Array.from({ length: LINEAR_STEPS + 1 }, (_, step) => {
  const v = step / LINEAR_STEPS;
  const encoded = v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055;
  return Math.round(encoded * 255);
});

/** Luminance (Rec. 709 weights in linear light), sRGB-encoded, of one pixel given as 0..255 samples. */
export function greyOf(red: number, green: number, blue: number): number {
  const linear = 0.2126 * (TO_LINEAR[Math.round(red)] ?? 0) + 0.7152 * (TO_LINEAR[Math.round(green)] ?? 0) + 0.0722 * (TO_LINEAR[Math.round(blue)] ?? 0);
  return FROM_LINEAR[Math.round(Math.min(1, linear) * LINEAR_STEPS)] ?? 0;
}

/** The view's grey levels, one per pixel. */
export function greyView(view: ColourView): Uint8Array {
  const { width, height, channels, data } = view;
  const out = new Uint8Array(width * height);
  for (let pixel = 0, at = 0; pixel < out.length; pixel++, at += channels) {
    out[pixel] = greyOf(data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0);
  }
  return out;
}
