/** Immich-like renditions made with sharp: the WebP thumbnail (short side 250) and the JPEG preview (1440). */
import sharp from 'sharp';

/** Immich's default `image.thumbnail`: WebP q80, shorter side 250 px, never enlarged, EXIF-rotated upright. */
export async function makeImmichThumbnail(image: Buffer, shortSide = 250): Promise<Buffer> {
  return sharp(image).rotate().resize({ width: shortSide, height: shortSide, fit: 'outside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
}

/** Immich's default `image.preview`: JPEG q80, shorter side 1440 px, never enlarged, upright. */
export async function makeImmichPreview(image: Buffer, shortSide = 1440): Promise<Buffer> {
  return sharp(image).rotate().resize({ width: shortSide, height: shortSide, fit: 'outside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
}

export interface ImageInfo {
  /** Upright size (what Immich reports as asset width/height). */
  width: number;
  height: number;
  /** Stored size (Immich's exifImageWidth/Height). */
  storedWidth: number;
  storedHeight: number;
  /** EXIF orientation as Immich reports it (a string), or null when absent. */
  orientation: string | null;
}

export async function readImageInfo(image: Buffer): Promise<ImageInfo> {
  const meta = await sharp(image).metadata();
  const storedWidth = meta.width ?? 0;
  const storedHeight = meta.height ?? 0;
  const swap = (meta.orientation ?? 1) >= 5;
  return {
    width: swap ? storedHeight : storedWidth,
    height: swap ? storedWidth : storedHeight,
    storedWidth,
    storedHeight,
    orientation: meta.orientation ? String(meta.orientation) : null,
  };
}
