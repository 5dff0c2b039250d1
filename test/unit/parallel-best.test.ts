/**
 * The best-photo choice of many groups on two threads gives every group the choice pickBest makes
 * for it alone, whichever thread made it (the worker judges copies of the photos, not the photos).
 */

import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Contestant } from '../../src/grouping/best-photo.js';
import { chooseBest, choiceIn } from '../../src/grouping/parallel-best.js';
import { contestant } from '../helpers/contestants.js';

const photos = path.resolve(import.meta.dirname, '../../sample/camera');

/** A group of four copies of one photo: the original, a crop, a larger re-save at quality 50 and a brightened copy, in an order of its own. */
async function group(name: string, turn: number): Promise<Contestant[]> {
  const file = path.join(photos, name);
  const { width = 0, height = 0 } = await sharp(file).metadata();
  const original = await sharp(file).resize(400).jpeg({ quality: 90 }).toBuffer();
  const cut = Math.round(width * 0.1);
  const copies = [
    contestant(`/a/${name}`, original),
    contestant(`/b/${name}-crop`, await sharp(file).extract({ left: cut, top: 0, width: width - cut, height }).resize(400).jpeg({ quality: 95 }).toBuffer()),
    contestant(`/c/${name}-q50`, await sharp(file).resize(480).jpeg({ quality: 50 }).toBuffer()),
    contestant(`/d/${name}-bright`, await sharp(original).modulate({ brightness: 1.3 }).jpeg({ quality: 98 }).toBuffer()),
  ];
  const made = await Promise.all(copies);
  return [...made.slice(turn % 4), ...made.slice(0, turn % 4)];
}

describe('best photo on two threads', () => {
  it('chooses for each of many groups what pickBest chooses for it alone', async () => {
    const names = ['moose.jpg', 'redwoods-above.jpg', 'trees-above.jpg', 'yellow-flower.jpg'];
    const distinct = await Promise.all(names.flatMap((name) => [0, 1, 2, 3].map((turn) => group(name, turn))));
    // 160 groups of four: enough for the worker to take its share (a group takes milliseconds).
    const groups = Array.from({ length: 160 }, (_, g) => distinct[g % distinct.length] as Contestant[]);
    const alone = groups.map((members) => choiceIn(members));
    expect(chooseBest(groups.length, (g) => groups[g] as Contestant[])).toEqual(alone);
    // Photos read back slowly (as from a busy store): the helper, given the first groups at once,
    // catches up with the reading and waits for each next chunk; the choices are the same.
    const slowly = (g: number) => {
      for (const until = performance.now() + 1; performance.now() < until; );
      return groups[g] as Contestant[];
    };
    expect(chooseBest(groups.length, slowly)).toEqual(alone);
    // Not a trivial choice: the original is kept, and each copy set aside with its own reason.
    for (const [g, choice] of alone.entries()) {
      expect((groups[g] as Contestant[])[choice.best]?.photo.path).toMatch(/^\/a\//);
      expect(choice.setAside.filter((reason) => reason !== undefined)).toHaveLength(3);
    }
  });
});
