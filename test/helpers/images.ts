/**
 * Real test images made with sharp: a seeded "scene" of soft shapes, so different seeds are
 * different pictures and the same seed re-encoded, resized or rotated is the same picture.
 */

import sharp from 'sharp';
import { mulberry32 } from './random.js';

export interface SceneOptions {
  seed: number;
  width?: number;
  height?: number;
}

/** Raw RGB pixels of a seeded scene: a few blurred ellipses over a gradient. */
export async function sceneRaw({ seed, width = 480, height = 360 }: SceneOptions): Promise<sharp.Sharp> {
  const random = mulberry32(seed);
  const shapes = Array.from({ length: 7 }, () => {
    const cx = Math.round(random() * width);
    const cy = Math.round(random() * height);
    const rx = Math.round(20 + random() * width * 0.3);
    const ry = Math.round(20 + random() * height * 0.3);
    const colour = `rgb(${Math.round(random() * 255)},${Math.round(random() * 255)},${Math.round(random() * 255)})`;
    return `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="${colour}"/>`;
  }).join('');
  const a = `rgb(${Math.round(random() * 255)},${Math.round(random() * 120)},${Math.round(random() * 255)})`;
  const b = `rgb(${Math.round(random() * 120)},${Math.round(random() * 255)},${Math.round(random() * 200)})`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).blur(2).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } });
}

export async function sceneJpeg(options: SceneOptions, quality = 90): Promise<Buffer> {
  return (await sceneRaw(options)).jpeg({ quality }).toBuffer();
}

export async function scenePng(options: SceneOptions): Promise<Buffer> {
  return (await sceneRaw(options)).png().toBuffer();
}

export async function sceneWebp(options: SceneOptions): Promise<Buffer> {
  return (await sceneRaw(options)).webp({ quality: 80 }).toBuffer();
}
