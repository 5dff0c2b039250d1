/**
 * `POST /search/metadata` and `POST /search/statistics` with Immich 3.1 semantics: page/size paging with
 * `nextPage` as a string, `total = count = items on the page`, sort by fileCreatedAt then id, tagIds AND
 * with descendants, albumIds AND (owner scope dropped), v3 default visibility, withExif inner join.
 * An older emulated API follows its own rules (API-NOTES §4.3): before v1.133 `withArchived`/`isArchived`/
 * `isVisible` instead of `visibility`; v1.135–v2.x `albumIds` keep the owner scope without an access check.
 * Filters the emulated version lacks (`tagIds` < 1.126, `albumIds` < 1.135) never get here: they are dropped.
 */
import { apiAtLeast } from '../config.js';
import { HttpError, bodyOf, json, type RequestContext } from '../http.js';
import type { RouteDef } from '../router.js';
import { assetDto } from '../serialize.js';
import type { FakeAsset } from '../types.js';
import { memberAlbum } from './access.js';

export interface SearchBody {
  page?: number;
  size?: number;
  order?: 'asc' | 'desc';
  id?: string;
  type?: string;
  visibility?: string;
  /** Before v1.133: include archived assets. */
  withArchived?: boolean;
  /** Before v1.133: only (un)archived assets. */
  isArchived?: boolean;
  /** Before v1.133: `true` leaves out hidden assets (live-photo video halves). */
  isVisible?: boolean;
  withDeleted?: boolean;
  withExif?: boolean;
  withStacked?: boolean;
  isFavorite?: boolean;
  isOffline?: boolean;
  isNotInAlbum?: boolean;
  tagIds?: string[] | null;
  albumIds?: string[];
  checksum?: string;
  originalFileName?: string;
  originalPath?: string;
  description?: string;
  libraryId?: string | null;
  takenAfter?: string;
  takenBefore?: string;
  createdAfter?: string;
  createdBefore?: string;
  updatedAfter?: string;
  updatedBefore?: string;
  trashedAfter?: string;
  trashedBefore?: string;
  make?: string | null;
  model?: string | null;
  lensModel?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  rating?: number | null;
}

const time = (iso: string): number => new Date(iso).getTime();
const contains = (haystack: string, needle: string): boolean => haystack.toLowerCase().includes(needle.toLowerCase());

/** `checksum` accepts base64 (28 chars) or hex (40 chars) SHA-1. */
export const normalizeChecksum = (value: string): string => (/^[0-9a-f]{40}$/i.test(value) ? Buffer.from(value, 'hex').toString('base64') : value);

function inRange(value: string | null, after: string | undefined, before: string | undefined): boolean {
  if (after === undefined && before === undefined) return true;
  if (value === null) return false;
  const t = time(value);
  return (after === undefined || t >= time(after)) && (before === undefined || t <= time(before));
}

/** Every asset matching the filters, sorted; no paging. */
export function searchAssets(ctx: RequestContext, body: SearchBody): FakeAsset[] {
  const { state } = ctx;
  if (body.visibility === 'locked') throw new HttpError(401, { message: 'Elevated permission is required' });
  const v3 = apiAtLeast(ctx.config, 3, 0);
  // v3 checks album access and drops the owner/partner scope; v1.135–v2.x do neither (an unknown album matches nothing).
  const albums = (body.albumIds ?? []).map((id) => (v3 ? memberAlbum(ctx, id, 'album.read') : (state.albums.get(id) ?? { assetIds: new Set<string>() })));
  const owners = albums.length > 0 && v3 ? undefined : state.visibleOwners(ctx.user.id);
  const visible = visibilityRule(ctx, body);
  const tagSets = body.tagIds?.map((id) => {
    const tag = state.tags.get(id);
    const subtree = tag && tag.userId === ctx.user.id ? state.tagSubtree(id) : new Set<string>();
    const assets = new Set<string>();
    for (const tagId of subtree) for (const assetId of state.tagAssets.get(tagId) ?? []) assets.add(assetId);
    return assets;
  });
  const untaggedOnly = body.tagIds === null;
  const tagged = untaggedOnly ? new Set([...state.tagAssets.values()].flatMap((s) => [...s])) : undefined;
  const inAnyAlbum = body.isNotInAlbum !== undefined ? new Set([...state.albums.values()].flatMap((a) => [...a.assetIds])) : undefined;
  // Metadata search honours withStacked only from v3.1 on; older servers ignore it.
  const { major, minor } = ctx.config.version;
  const withStackedApplies = major > 3 || (major === 3 && minor >= 1);
  const withDeleted = body.withDeleted === true || body.trashedAfter !== undefined || body.trashedBefore !== undefined;
  const checksum = body.checksum === undefined ? undefined : normalizeChecksum(body.checksum);
  const exifEquals: [keyof NonNullable<FakeAsset['exif']>, string | null | undefined][] = [
    ['make', body.make], ['model', body.model], ['lensModel', body.lensModel], ['city', body.city], ['state', body.state], ['country', body.country],
  ];

  const out: FakeAsset[] = [];
  for (const asset of state.assets.values()) {
    if (owners && !owners.has(asset.ownerId)) continue;
    if (asset.visibility === 'locked') continue;
    if (!visible(asset)) continue;
    if (!withDeleted && asset.deletedAt !== null) continue;
    if (body.id !== undefined && asset.id !== body.id) continue;
    if (body.type !== undefined && asset.type !== body.type) continue;
    if (body.isFavorite !== undefined && asset.isFavorite !== body.isFavorite) continue;
    if (body.isOffline !== undefined && asset.isOffline !== body.isOffline) continue;
    if (body.withExif === true && asset.exif === null) continue;
    if (body.withStacked === false && withStackedApplies && asset.stackId !== null) continue;
    if (checksum !== undefined && asset.checksum !== checksum) continue;
    if (body.originalFileName !== undefined && !contains(asset.originalFileName, body.originalFileName)) continue;
    if (body.originalPath !== undefined && !contains(asset.originalPath, body.originalPath)) continue;
    if (body.description !== undefined && !contains(asset.description, body.description)) continue;
    if (body.libraryId !== undefined && asset.libraryId !== body.libraryId) continue;
    if (body.rating !== undefined && asset.rating !== body.rating) continue;
    if (!inRange(asset.fileCreatedAt, body.takenAfter, body.takenBefore)) continue;
    if (!inRange(asset.createdAt, body.createdAfter, body.createdBefore)) continue;
    if (!inRange(asset.updatedAt, body.updatedAfter, body.updatedBefore)) continue;
    if (!inRange(asset.deletedAt, body.trashedAfter, body.trashedBefore)) continue;
    if (tagSets && !tagSets.every((set) => set.has(asset.id))) continue;
    if (tagged && tagged.has(asset.id)) continue;
    if (!albums.every((album) => album.assetIds.has(asset.id))) continue;
    if (inAnyAlbum && inAnyAlbum.has(asset.id) === body.isNotInAlbum) continue;
    if (exifEquals.some(([key, value]) => value !== undefined && (asset.exif?.[key] ?? null) !== value)) continue;
    out.push(asset);
  }
  const direction = body.order === 'asc' ? 1 : -1;
  // v3.1 breaks fileCreatedAt ties by id, so paging is stable. Timestamps parsed once (20k-asset seeds).
  const keyed = out.map((asset) => ({ asset, t: time(asset.fileCreatedAt) }));
  keyed.sort((a, b) => direction * (a.t - b.t || (a.asset.id < b.asset.id ? -1 : a.asset.id > b.asset.id ? 1 : 0)));
  return keyed.map((k) => k.asset);
}

/** Which visibilities a search covers, by the emulated API's rules. */
function visibilityRule(ctx: RequestContext, body: SearchBody): (asset: FakeAsset) => boolean {
  if (!apiAtLeast(ctx.config, 1, 133)) {
    // Archived only with withArchived or isArchived; hidden included unless isVisible: true.
    return (asset) => {
      const archived = asset.visibility === 'archive';
      if (body.isArchived !== undefined ? archived !== body.isArchived : archived && body.withArchived !== true) return false;
      return !(body.isVisible === true && asset.visibility === 'hidden');
    };
  }
  if (body.visibility !== undefined) return (asset) => asset.visibility === body.visibility;
  return ctx.config.searchDefaultVisibility === 'v2' ? (asset) => asset.visibility === 'timeline' : () => true;
}

/** Fields that choose how a search answers, not what it finds (gumnut-ai/immich-adapter lists these). */
const NOT_FILTERS = new Set(['page', 'size', 'order', 'visibility', 'withDeleted', 'withExif', 'withStacked']);

/** `nextPage` as the emulated server pages (config `searchPaging`). */
function nextPageOf(ctx: RequestContext, body: SearchBody, page: number, hasMore: boolean): string | null {
  const filtered = Object.keys(body).some((name) => !NOT_FILTERS.has(name));
  if (filtered && ctx.config.searchPaging === 'filtered-ends-after-one-page') return null;
  if (filtered && ctx.config.searchPaging === 'filtered-repeats-page' && page >= 2) return String(page);
  return hasMore ? String(page + 1) : null;
}

export const searchRoutes: RouteDef[] = [
  {
    method: 'POST',
    template: '/search/metadata',
    capability: 'search',
    handler: (ctx) => {
      const body = bodyOf<SearchBody>(ctx);
      const page = body.page ?? 1;
      const size = Math.min(body.size ?? 250, ctx.config.searchPageCap ?? Number.POSITIVE_INFINITY);
      const all = searchAssets(ctx, body);
      const start = (page - 1) * size;
      const items = all.slice(start, start + size);
      const hasMore = all.length > start + size;
      const next = nextPageOf(ctx, body, page, hasMore);
      return json(200, {
        albums: { total: 0, count: 0, items: [], facets: [] },
        assets: {
          total: items.length,
          count: items.length,
          items: items.map((a) => assetDto(ctx.state, a, { exif: body.withExif === true, viewerId: ctx.user.id, api: ctx.config.api })),
          facets: [],
          nextPage: next,
        },
      });
    },
  },
  {
    method: 'POST',
    template: '/search/statistics',
    capability: ['search', 'searchStatistics'],
    handler: (ctx) => json(200, { total: searchAssets(ctx, bodyOf<SearchBody>(ctx)).length }),
  },
];
