/**
 * RAW+JPEG and HEIC+JPEG pairs with one stem in one folder are one shot, not duplicates:
 * they become one unit, hashed through the sibling sharp decodes best. Other same-stem files
 * (photo.png next to photo.webp) stay separate photos. A Live Photo's video (`IMG_0001.MOV`
 * beside `IMG_0001.HEIC`) joins its photo's unit: it is part of the shot, never a file of its own.
 */

import type { ImageFormat } from '../../core/photo.js';
import type { Candidate } from './local-photo-source.js';
import type { WalkedFile } from './walk.js';
import { isLivePhotoVideo } from './other-files.js';

export interface SiblingUnit {
  primary: Candidate;
  siblings: Candidate[];
  /** Files of the same shot that are not images: a Live Photo's video. */
  companions: WalkedFile[];
}

export interface SiblingGrouping {
  units: SiblingUnit[];
  /** The other files that belong to no photo. */
  unclaimed: WalkedFile[];
}

/** Which sibling to decode for hashing: the most widely decodable first; RAW (its embedded preview) last. */
const DECODE_PREFERENCE: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'tiff', 'avif', 'gif', 'heic', 'raw'];

export function groupSiblings(candidates: readonly Candidate[], others: readonly WalkedFile[] = []): SiblingGrouping {
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
      for (const member of members) units.push({ primary: member, siblings: [], companions: [] });
      continue;
    }
    const ordered = [...members].sort(
      (a, b) => DECODE_PREFERENCE.indexOf(a.format) - DECODE_PREFERENCE.indexOf(b.format) || compare(a.file.name, b.file.name),
    );
    const [primary, ...siblings] = ordered as [Candidate, ...Candidate[]];
    units.push({ primary, siblings, companions: [] });
  }
  units.sort((a, b) => compare(a.primary.file.name, b.primary.file.name));
  return { units, unclaimed: attachLivePhotoVideos(units, others) };
}

/** Puts each Live Photo video with the (first) photo of its stem; returns the files left over. */
function attachLivePhotoVideos(units: SiblingUnit[], others: readonly WalkedFile[]): WalkedFile[] {
  const unitByStem = new Map<string, SiblingUnit>();
  for (const unit of units) if (!unitByStem.has(stemOf(unit.primary.file.name))) unitByStem.set(stemOf(unit.primary.file.name), unit);
  const unclaimed: WalkedFile[] = [];
  for (const file of others) {
    const unit = isLivePhotoVideo(file.name) ? unitByStem.get(stemOf(file.name)) : undefined;
    if (unit) unit.companions.push(file);
    else unclaimed.push(file);
  }
  return unclaimed;
}

function stemOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return (dot > 0 ? fileName.slice(0, dot) : fileName).toLowerCase();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
