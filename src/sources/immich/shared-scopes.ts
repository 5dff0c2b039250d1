/**
 * What `--include-partners` and `--include-shared-albums` add to an Immich listing, read before it:
 * the partners whose photos search lists, and the albums shared with the user.
 *
 * Partners (`GET /partners?direction=shared-with`): Immich's search lists a partner's assets only
 * while the receiving user has "show in timeline" on for that partner (v3.1 `getMyPartnerIds` with
 * `timelineEnabled`); for a partner with it off, one line says how to turn it on.
 *
 * Shared albums: v3 `GET /albums?isShared=true` (owned or shared with the user, with other members),
 * v1/v2 `GET /albums?shared=true`. Their photos are listed by album: on v3 search by `albumIds`
 * returns every member's assets; before v3 it keeps the owner/partner scope, so the album's embedded
 * `assets` (v1/v2 `GET /albums/{id}`) are read instead.
 */

import { CapabilityError } from '../../core/errors.js';
import type { PhotoOwner } from '../../core/photo.js';
import type { ImmichClient } from './immich-client.js';
import type { AlbumDto, UserDto } from './immich-dto.js';
import { ImmichHttpError } from './immich-errors.js';
import { keyAllows, type ServerCapabilities } from './server-capabilities.js';

export interface SharedScopeOptions {
  partners: boolean;
  sharedAlbums: boolean;
}

export interface SharedAlbum {
  id: string;
  name: string;
}

export class SharedScopes {
  /** Users by id, as far as the server named them (partners, album members, the user). */
  readonly #names = new Map<string, string>();

  constructor(
    readonly me: UserDto,
    /** Partners whose assets search lists (sharing with the user, shown in the timeline). */
    readonly partners: ReadonlySet<string>,
    readonly albums: readonly SharedAlbum[],
    names: ReadonlyMap<string, string>,
  ) {
    for (const [id, name] of names) this.#names.set(id, name);
    if (me.name !== undefined) this.#names.set(me.id, me.name);
  }

  /** Whether a listed asset of this owner belongs in the run: the user's, or a listed partner's. */
  acceptsOwner(ownerId: string): boolean {
    return ownerId === this.me.id || this.partners.has(ownerId);
  }

  /** The owner as the report shows it; `inAlbum`: the asset came from a shared album's listing. */
  ownerOf(ownerId: string, inAlbum: boolean): PhotoOwner {
    const name = this.#names.get(ownerId);
    const mine = ownerId === this.me.id;
    return { id: ownerId, ...(name !== undefined ? { name } : {}), mine, ...(mine ? {} : { via: this.partners.has(ownerId) && !inAlbum ? ('partner' as const) : ('shared-album' as const) }) };
  }
}

export async function readSharedScopes(
  client: ImmichClient,
  capabilities: ServerCapabilities,
  me: UserDto,
  options: SharedScopeOptions,
  onNotice: (message: string) => void,
  signal?: AbortSignal,
): Promise<SharedScopes> {
  const names = new Map<string, string>();
  const partners = new Set<string>();
  if (options.partners) {
    if (keyAllows(capabilities, 'partner.read') === false) throw new CapabilityError('The API key lacks the permission partner.read that --include-partners needs; add it to the key in Immich (Account Settings → API Keys).');
    for (const partner of await listPartners(client, signal)) {
      const name = partner.name ?? partner.email ?? partner.id;
      names.set(partner.id, name);
      if (partner.inTimeline === false) {
        onNotice(`${name} shares photos with you, but not in your timeline, so Immich's search does not list them: turn on "Show in timeline" for ${name} in Immich (Account Settings → Partner Sharing) to compare with them`);
      } else {
        partners.add(partner.id);
      }
    }
  }
  const albums: SharedAlbum[] = [];
  if (options.sharedAlbums) {
    if (!capabilities.albums) throw new CapabilityError(`This Immich server has no albums API, which --include-shared-albums needs`);
    if (keyAllows(capabilities, 'album.read') === false) throw new CapabilityError('The API key lacks the permission album.read that --include-shared-albums needs; add it to the key in Immich (Account Settings → API Keys).');
    const shared = await client.getAlbums(capabilities.albumNameFilter ? { isShared: true } : { shared: true }, { signal });
    for (const album of shared) {
      for (const member of membersOf(album)) if (member.name !== undefined && !names.has(member.id)) names.set(member.id, member.name);
      albums.push({ id: album.id, name: album.albumName });
    }
  }
  return new SharedScopes(me, partners, albums, names);
}

async function listPartners(client: ImmichClient, signal: AbortSignal | undefined) {
  try {
    return await client.partnersSharingWithMe({ signal });
  } catch (error) {
    if (error instanceof ImmichHttpError && error.isRouteMissing) throw new CapabilityError(`This Immich server (${client.baseUrl}) has no partner sharing (GET /api/partners), which --include-partners needs; nothing was changed.`);
    throw error;
  }
}

/** The album's owner and members: v3 lists them all in `albumUsers`, v1/v2 the owner apart. */
function membersOf(album: AlbumDto): { id: string; name?: string }[] {
  return [...(album.owner ? [album.owner] : []), ...(album.albumUsers ?? []).map((member) => member.user)];
}
