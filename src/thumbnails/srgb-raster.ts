/**
 * Per-pixel measures of a small interleaved sRGB raster (8 bits a channel, 1 to 4 channels, alpha
 * ignored): its grey levels and its chroma, read from one decode of a server thumbnail.
 */

const toLinear = (v: number): number => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);

/** sRGB level → linear light, as libvips converts (sRGB → scRGB) before it takes a luminance. */
const LINEAR = Float64Array.from({ length: 256 }, (_, level) => toLinear(level / 255));

/** The linear light at which the encoded level rounds up to 1, 2, … 255: encoding is a search, no power per pixel. */
const STEPS = Float64Array.from({ length: 255 }, (_, index) => toLinear((index + 0.5) / 255));

/** Linear light → the nearest sRGB level. */
function encode(linear: number): number {
  let low = 0;
  let high = STEPS.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((STEPS[middle] ?? 0) <= linear) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Grey levels as sharp's `greyscale()` makes them (libvips' B_W: Rec. 709 luminance in linear
 * light, encoded back to sRGB); a 1- or 2-channel raster is grey already.
 */
export function greyOfRgb(data: Uint8Array, channels: number): Uint8Array {
  const pixels = Math.floor(data.length / channels);
  const grey = new Uint8Array(pixels);
  for (let pixel = 0, at = 0; pixel < pixels; pixel++, at += channels) {
    grey[pixel] = channels < 3 ? (data[at] ?? 0) : encode(0.2126 * (LINEAR[data[at] ?? 0] ?? 0) + 0.7152 * (LINEAR[data[at + 1] ?? 0] ?? 0) + 0.0722 * (LINEAR[data[at + 2] ?? 0] ?? 0));
  }
  return grey;
}

/** Mean of (largest − smallest channel) per pixel, 0–255 (PhotoLook.chroma); 0 for a grey raster. */
export function chromaOfRgb(data: Uint8Array, channels: number): number {
  const pixels = Math.floor(data.length / channels);
  if (channels < 3 || pixels === 0) return 0;
  let sum = 0;
  for (let at = 0; at < pixels * channels; at += channels) {
    const red = data[at] ?? 0;
    const green = data[at + 1] ?? 0;
    const blue = data[at + 2] ?? 0;
    sum += Math.max(red, green, blue) - Math.min(red, green, blue);
  }
  return sum / pixels;
}
