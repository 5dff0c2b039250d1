/**
 * RAW+JPEG and HEIC+JPEG pairs with one stem in one folder are one shot, not duplicates:
 * they become one unit, hashed through the sibling sharp decodes best. Other same-stem files
 * (photo.png next to photo.webp) stay separate photos.
 */

import type { ImageFormat } from '../../core/photo.js';
import type { Candidate } from './local-photo-source.js';

export interface SiblingUnit {
  primary: Candidate;
  siblings: Candidate[];
}

/** Which sibling to decode for hashing: the most widely decodable first; RAW never. */
const DECODE_PREFERENCE: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'tiff', 'avif', 'gif', 'heic', 'raw'];

export function groupSiblings(candidates: readonly Candidate[]): SiblingUnit[] {
  const byStem = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const stem = stemOf(candidate.file.name);
    const list = byStem.get(stem);
    if (list) list.push(candidate);
    else byStem.set(stem, [candidate]);
  }
  const units: SiblingUnit[] = [];
  for (const members of byStem.values()) {
    const formats = new Set(members.map((member) => member.format));
    const isCameraPair = formats.size > 1 && (formats.has('raw') || formats.has('heic'));
    if (!isCameraPair) {
      // photo.png + photo.webp are exports, possibly duplicates; only a camera's RAW or HEIC pairs up.
      for (const member of members) units.push({ primary: member, siblings: [] });
      continue;
    }
    const ordered = [...members].sort(
      (a, b) => DECODE_PREFERENCE.indexOf(a.format) - DECODE_PREFERENCE.indexOf(b.format) || compare(a.file.name, b.file.name),
    );
    const [primary, ...siblings] = ordered as [Candidate, ...Candidate[]];
    units.push({ primary, siblings });
  }
  return units.sort((a, b) => compare(a.primary.file.name, b.primary.file.name));
}

function stemOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return (dot > 0 ? fileName.slice(0, dot) : fileName).toLowerCase();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
