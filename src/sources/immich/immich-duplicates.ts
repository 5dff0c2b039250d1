/**
 * Immich's own duplicate groups for `--with-immich-duplicates`: `GET /duplicates` (the user's own
 * assets its CLIP job grouped, or any given a `duplicateId`; not paged), as asset ids per group.
 */

import { CapabilityError } from '../../core/errors.js';
import type { ImmichClient } from './immich-client.js';
import { ImmichHttpError } from './immich-errors.js';
import { keyAllows, type ServerCapabilities } from './server-capabilities.js';

/** One of Immich's duplicate groups: its id and its assets. */
export interface ImmichDuplicateGroup {
  duplicateId: string;
  assetIds: string[];
}

/** Refuses `--with-immich-duplicates` up front (exit 2, before any scan) when the key may not read the groups. */
export function checkImmichDuplicates(capabilities: ServerCapabilities): void {
  if (keyAllows(capabilities, 'duplicate.read') === false) {
    throw new CapabilityError('The API key lacks the permission duplicate.read that --with-immich-duplicates needs; add it to the key in Immich (Account Settings → API Keys).');
  }
}

export async function readImmichDuplicates(
  client: ImmichClient,
  capabilities: ServerCapabilities,
  onNotice: (message: string) => void,
  signal?: AbortSignal,
): Promise<ImmichDuplicateGroup[]> {
  checkImmichDuplicates(capabilities);
  if (capabilities.features['duplicateDetection'] === false) {
    onNotice('Immich\'s duplicate detection (machine learning) is off on this server: only the groups already on its "Review duplicates" page are read');
  }
  try {
    const groups = await client.getDuplicates({ signal });
    return groups.map((group) => ({ duplicateId: group.duplicateId, assetIds: group.assets.map((asset) => asset.id) }));
  } catch (error) {
    if (error instanceof ImmichHttpError && error.isRouteMissing) {
      throw new CapabilityError(`This Immich server (${client.baseUrl}) has no duplicate groups of its own (GET /api/duplicates), which --with-immich-duplicates reads; nothing was changed.`);
    }
    throw error;
  }
}
