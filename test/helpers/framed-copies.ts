/**
 * Copies of a photo inside bars, made with sharp the way the dev-hard benchmark makes them (bench
 * README "Hard split"): fitted into a black 9:16 story canvas, framed in plain white or black, and a
 * phone screenshot of it in a viewer (grey status bar with a clock, grey navigation bar with outlined
 * icons, the photo fitted in black between them). The clock is drawn as strokes, not text: the
 * test machine's fonts must not decide what is drawn.
 */

import sharp from 'sharp';

/** Fitted inside a black canvas, centred: 288×512 for a landscape photo, 512×288 for a portrait one. */
export async function letterboxed(image: Buffer): Promise<Buffer> {
  const { width = 1, height = 1 } = await sharp(image).metadata();
  const [canvasWidth, canvasHeight] = width >= height ? [288, 512] : [512, 288];
  return sharp(image)
    .resize(canvasWidth, canvasHeight, { fit: 'contain', background: '#000000' })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A plain frame of 6 % of the short side on every side. */
export async function framed(image: Buffer, colour: '#ffffff' | '#000000'): Promise<Buffer> {
  const { width = 1, height = 1 } = await sharp(image).metadata();
  const border = Math.round(0.06 * Math.min(width, height));
  return sharp(image).extend({ top: border, bottom: border, left: border, right: border, background: colour }).jpeg({ quality: 90 }).toBuffer();
}

const SCREEN = { width: 360, height: 640, statusBar: 32, navigationBar: 58 } as const;

/** A 360×640 PNG screenshot of the photo shown in a phone viewer. */
export async function screenshot(image: Buffer): Promise<Buffer> {
  const viewHeight = SCREEN.height - SCREEN.statusBar - SCREEN.navigationBar;
  const photo = await sharp(image).resize(SCREEN.width, viewHeight, { fit: 'inside' }).png().toBuffer();
  const { width = 1, height = 1 } = await sharp(photo).metadata();
  const navigationTop = SCREEN.height - SCREEN.navigationBar;
  // "12:41" as strokes: four digits of 2-3 bars each and a colon, white on the grey status bar.
  const clock = [
    [14, 9, 3, 15], [22, 9, 9, 3], [28, 9, 3, 8], [22, 16, 9, 3], [22, 16, 3, 8], [22, 22, 9, 3],
    [36, 12, 3, 3], [36, 19, 3, 3],
    [43, 9, 3, 9], [43, 16, 9, 3], [49, 9, 3, 15], [58, 9, 3, 15],
  ]
    .map(([x, y, w, h]) => `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#ffffff"/>`)
    .join('');
  const icon = 'fill="none" stroke="#c8c8c8" stroke-width="2"';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SCREEN.width}" height="${SCREEN.height}">
    <rect width="100%" height="${SCREEN.statusBar}" fill="#303030"/>${clock}
    <rect y="${navigationTop}" width="100%" height="${SCREEN.navigationBar}" fill="#303030"/>
    <rect x="82" y="${navigationTop + 20}" width="17" height="17" ${icon}/>
    <circle cx="180" cy="${navigationTop + 29}" r="10" ${icon}/>
    <rect x="262" y="${navigationTop + 20}" width="17" height="17" ${icon}/>
  </svg>`;
  return sharp({ create: { width: SCREEN.width, height: SCREEN.height, channels: 3, background: '#000000' } })
    .composite([
      { input: Buffer.from(svg), left: 0, top: 0 },
      { input: photo, left: Math.round((SCREEN.width - width) / 2), top: SCREEN.statusBar + Math.round((viewHeight - height) / 2) },
    ])
    .png()
    .toBuffer();
}
