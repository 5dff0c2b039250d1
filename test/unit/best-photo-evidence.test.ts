/**
 * Each evidence rule of the best photo on a small synthetic pair made from a real photo: the
 * original against one degraded copy that the plain rules (resolution, format, file size) would
 * keep. Each test fails when its rule is left out of the order (the crop then loses on another
 * rule, under another name).
 */

import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { BEST_PHOTO_RULES, pickBest, type BestPhotoRule } from '../../src/grouping/best-photo.js';
import { contestant } from '../helpers/contestants.js';

const castle = path.resolve(import.meta.dirname, '../fixtures/photos/castle.jpg');
const without = (rule: BestPhotoRule) => BEST_PHOTO_RULES.filter((name) => name !== rule);

async function original(): Promise<{ bytes: Buffer; width: number; height: number }> {
  const bytes = await sharp(castle).resize(480).jpeg({ quality: 90 }).toBuffer();
  const { width = 0, height = 0 } = await sharp(bytes).metadata();
  return { bytes, width, height };
}

async function judge(copy: Buffer, rule: BestPhotoRule) {
  const orig = await contestant('/camera/original.jpg', (await original()).bytes);
  const other = await contestant('/backup/copy', copy);
  const withRule = pickBest([other, orig]);
  const withoutRule = pickBest([other, orig], without(rule));
  return { withRule, withoutRule, orig, other };
}

describe('best-photo evidence', () => {
  it('field of view: a crop at the same size, saved larger, loses to the photo it was cut from', async () => {
    const { width, height } = await original();
    // Cut from the full-size photo and brought to the original's size: as sharp, only less of the scene.
    const { width: fullWidth = 0, height: fullHeight = 0 } = await sharp(castle).metadata();
    const cut = Math.round(fullWidth * 0.08);
    const crop = await sharp(castle)
      .extract({ left: cut, top: Math.round((cut * fullHeight) / fullWidth), width: fullWidth - 2 * cut, height: fullHeight - 2 * Math.round((cut * fullHeight) / fullWidth) })
      .resize(width, height)
      .jpeg({ quality: 98 })
      .toBuffer();
    const { withRule, withoutRule, orig, other } = await judge(crop, 'field-of-view');
    expect(withRule.best).toBe(orig);
    expect(withRule.reason).toBe('the other is a crop of this one');
    expect(withRule.setAside.get(other)).toMatch(/^a crop/);
    // Without the rule the crop's misregistered edges still mark it (as an addition): it is no longer called a crop.
    expect(withoutRule.setAside.get(other) ?? '').not.toMatch(/crop/);
  });

  it('added content: a copy with a caption loses, and the reason says where', async () => {
    const { bytes, width, height } = await original();
    const caption = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="${width - 20}" y="${height - 24}" text-anchor="end" font-family="DejaVu Sans" font-weight="bold" font-size="${Math.round(height * 0.12)}" fill="white" stroke="black" stroke-width="3">© Studio</text></svg>`,
    );
    const marked = await sharp(bytes).composite([{ input: caption }]).jpeg({ quality: 95 }).toBuffer();
    const { withRule, withoutRule, orig, other } = await judge(marked, 'added-content');
    expect(withRule.best).toBe(orig);
    expect(withRule.reason).toBe('the other has added content in the lower right');
    expect(withoutRule.best).toBe(other);
  });

  it('colour: a greyscale copy loses, even as a PNG', async () => {
    const { bytes } = await original();
    const grey = await sharp(bytes).toColourspace('b-w').png().toBuffer();
    const { withRule, withoutRule, orig, other } = await judge(grey, 'colour');
    expect(withRule.best).toBe(orig);
    expect(withRule.reason).toBe('the other is greyscale');
    expect(withoutRule.best).toBe(other);
  });

  it('detail: a blurred copy loses, even as a PNG', async () => {
    const { bytes } = await original();
    const blurred = await sharp(bytes).blur(8).png().toBuffer();
    const { withRule, withoutRule, orig, other } = await judge(blurred, 'detail');
    expect(withRule.best).toBe(orig);
    expect(withRule.reason).toBe('the other is blurred');
    expect(withoutRule.best).toBe(other);
  });

  it('tone: a brightened copy with clipped highlights loses, even saved larger', async () => {
    const { bytes } = await original();
    const bright = await sharp(bytes).linear(1.3, 40).jpeg({ quality: 97 }).toBuffer();
    const { withRule, withoutRule, orig, other } = await judge(bright, 'tone');
    expect(withRule.best).toBe(orig);
    expect(withRule.reason).toBe('the other has clipped highlights');
    expect(withoutRule.best).toBe(other);
  });

  it('compression: a quality-60 re-save loses, even enlarged', async () => {
    const { bytes, width } = await original();
    const resaved = await sharp(bytes).resize(Math.round(width * 1.25)).jpeg({ quality: 60 }).toBuffer();
    const { withRule, withoutRule, orig, other } = await judge(resaved, 'compression');
    expect(other.photo.meta.jpegQuality).toBe(60);
    expect(orig.photo.meta.jpegQuality).toBe(90);
    expect(withRule.best).toBe(orig);
    expect(withRule.reason).toBe('the other is a JPEG re-save at quality 60');
    expect(withoutRule.best).toBe(other);
  });

  it('finds no evidence between two faithful copies (a re-encode and a resize): size decides', async () => {
    const { bytes, width } = await original();
    const orig = await contestant('/a.jpg', bytes);
    const reencoded = await contestant('/b.webp', await sharp(bytes).webp({ quality: 90 }).toBuffer());
    const smaller = await contestant('/c.jpg', await sharp(bytes).resize(Math.round(width / 2)).jpeg({ quality: 90 }).toBuffer());
    const choice = pickBest([reencoded, smaller, orig]);
    expect(choice.setAside.get(smaller)).toMatch(/^lower resolution/);
    expect([...choice.setAside.values()].join()).not.toMatch(/crop|added|greyscale|blurred|clipped|quality|tones/);
  });
});
