/**
 * What this Immich server can do, learned up front so a missing capability is a clear message
 * before any change, not a crash halfway through. Two sources: the version (API-NOTES §13 says
 * which release brought what) and probes (a 404 on a route means it is not there: an older server
 * or an Immich-compatible server that implements only part of the API).
 */

import { randomUUID } from 'node:crypto';
import { CapabilityError, SourceUnavailableError } from '../../core/errors.js';
import type { ImmichClient } from './immich-client.js';
import { ImmichHttpError } from './immich-errors.js';
import { atLeast, checkVersion, compareVersions, formatVersion, NEWEST_KNOWN_VERSION, parseVersion, type SemVer } from './version-support.js';

export { atLeast, compareVersions, formatVersion, MINIMUM_VERSION, NEWEST_KNOWN_VERSION, parseVersion, type SemVer } from './version-support.js';

export type ProbedCapability = 'search' | 'tags' | 'albums' | 'stacks';

export interface ServerCapabilities {
  version: SemVer;
  /** False when the server reported no version (a partial compatible server): v3.1 rules are assumed. */
  versionKnown: boolean;
  /** Newer than this code knows: it should work (the legacy search body stays until v4), but is untested. */
  newerThanKnown: boolean;
  /** A warning to show about the version (untested, or not reported), if any. */
  versionNotice?: string;
  /** `/server/features` flags; empty when the route is missing. */
  features: Readonly<Record<string, boolean>>;
  /** `POST /search/metadata` answers. Without it nothing can be listed. */
  search: boolean;
  tags: boolean;
  albums: boolean;
  stacks: boolean;
  /** Immich's own CLIP duplicate groups: `GET /duplicates` with detection enabled. */
  duplicates: boolean;
  /** Free-form per-asset metadata (`PUT /assets/metadata`), from v3.0 (a beta before, not used). */
  assetMetadata: boolean;
  /** `DELETE /assets` moves to the trash (features.trash); false or unknown: it would delete for good. */
  trash: boolean;
  /** Search takes `visibility` (v1.133+); before, archived assets need `withArchived`. */
  visibilityFilter: boolean;
  /** Search takes `albumIds` (v1.135+); before, an album's assets come embedded in `GET /albums/{id}`. */
  searchAlbumIds: boolean;
  /** `POST /search/statistics` (v1.135+). */
  searchStatistics: boolean;
  /** Search orders by (fileCreatedAt, id) (v3.1+): paging neither repeats nor skips. */
  stablePaging: boolean;
  /** `GET /albums?name=` filters on the server (v3+). */
  albumNameFilter: boolean;
  /** Assets carry upright `width`/`height` (v2.5+); before, only raw EXIF sizes exist. */
  assetDimensions: boolean;
  /** `GET /api-keys/me` (v1.139+) tells the key's permissions. */
  apiKeyInfo: boolean;
  /** Search takes `tagIds` (v1.126+); before, an asset's tags are only in `GET /assets/{id}`. */
  searchTagIds: boolean;
  /**
   * Default search scope when no `visibility` is sent (API-NOTES §4.3): `all` (v3: all but locked),
   * `timeline` (v1.133–v2.x), `unarchived` (before v1.133: archived ones need `withArchived`).
   */
  searchDefaultScope: 'all' | 'timeline' | 'unarchived';
  /** Probed routes that are missing, with what the server answered (`GET /api/tags answered 501`). */
  missing: Partial<Record<ProbedCapability, string>>;
  /** Probed routes that exist but refused this key (403), with Immich's message. */
  forbidden: Partial<Record<ProbedCapability, string>>;
  /** The key's permissions from `GET /api-keys/me` (v1.139+; `["all"]` for a full key), when the server tells. */
  keyPermissions?: string[];
  /** Why the key's permissions are not known though the server has the route (a stub answer), to say once. */
  keyNotice?: string;
}

/** The version-table half, pure so every branch is tested without a server. An unknown version counts as the newest known. */
export function capabilitiesForVersion(reported: SemVer, versionKnown: boolean, features: Record<string, boolean> = {}): ServerCapabilities {
  const version = versionKnown ? reported : NEWEST_KNOWN_VERSION;
  const versionNotice = checkVersion(versionKnown ? reported : undefined);
  return {
    version,
    versionKnown,
    newerThanKnown: compareVersions(version, NEWEST_KNOWN_VERSION) > 0,
    ...(versionNotice !== undefined ? { versionNotice } : {}),
    features,
    search: true,
    tags: true,
    albums: true,
    stacks: true,
    // The route exists throughout; it only has content when CLIP duplicate detection is on.
    duplicates: features['duplicateDetection'] === true,
    assetMetadata: atLeast(version, 3, 0),
    trash: features['trash'] === true,
    visibilityFilter: atLeast(version, 1, 133),
    searchAlbumIds: atLeast(version, 1, 135),
    searchStatistics: atLeast(version, 1, 135),
    stablePaging: atLeast(version, 3, 1),
    albumNameFilter: atLeast(version, 3, 0),
    assetDimensions: atLeast(version, 2, 5),
    apiKeyInfo: atLeast(version, 1, 139),
    searchTagIds: atLeast(version, 1, 126),
    searchDefaultScope: atLeast(version, 3, 0) ? 'all' : atLeast(version, 1, 133) ? 'timeline' : 'unarchived',
    missing: {},
    forbidden: {},
  };
}

export interface DetectOptions {
  /** Probe the routes (default true). Off, the version table alone decides. */
  probe?: boolean;
  signal?: AbortSignal;
}

export async function detectCapabilities(client: ImmichClient, options: DetectOptions = {}): Promise<ServerCapabilities> {
  const call = { signal: options.signal };
  const reported = await readVersion(client, call);
  if (reported === undefined && (await optional(() => client.ping(call))) !== true) {
    throw new SourceUnavailableError(
      `${client.baseUrl} does not look like an Immich server: /server/ping, /server/version and /server/about give no Immich answer. Check the URL.`,
    );
  }
  const features = await optional(() => client.features(call));
  const capabilities = capabilitiesForVersion(reported ?? NEWEST_KNOWN_VERSION, reported !== undefined, features ?? {});
  if (options.probe === false) return capabilities;

  // Cheap reads that return little: a random id matches nothing.
  const nothing = randomUUID();
  const probes: Record<ProbedCapability, () => Promise<unknown>> = {
    search: () => client.searchMetadataPage({ page: 1, size: 1, type: 'IMAGE' }, call),
    tags: () => client.listTags(call),
    albums: () => client.getAlbums({}, call),
    stacks: () => client.getStacks({ primaryAssetId: nothing }, call),
  };
  if (capabilities.apiKeyInfo) {
    // Read twice: a stub that makes a key up (a new id each time) says nothing about the real key's permissions.
    const [key, again] = await Promise.all([optional(() => client.myApiKey(call)), optional(() => client.myApiKey(call))]);
    if (key !== undefined && key.id === again?.id) capabilities.keyPermissions = key.permissions;
    else if (key !== undefined) capabilities.keyNotice = 'GET /api/api-keys/me answers a made-up key (a new one each time), so the key\'s permissions cannot be checked before the run';
  }
  const results = await Promise.all(
    (Object.keys(probes) as ProbedCapability[]).map(async (name) => [name, await probe(name, probes[name])] as const),
  );
  const foreign: string[] = [];
  for (const [name, result] of results) {
    if (result.state === 'missing') {
      capabilities[name] = false;
      capabilities.missing[name] = result.answer;
    }
    if (result.state === 'forbidden') capabilities.forbidden[name] = result.message;
    if (result.state === 'foreign') foreign.push(`${result.answer}, where Immich ${EXPECTED_SHAPES[name]}`);
  }
  if (foreign.length > 0) {
    throw new CapabilityError(
      `This server (${describeServer(capabilities)}) speaks an API shaped unlike Immich's, so photo-organizer cannot read or change anything on it; nothing was changed: ${foreign.join('; ')}.`,
    );
  }
  if (!capabilities.search) {
    capabilities.searchAlbumIds = false;
    capabilities.searchStatistics = false;
  }
  return capabilities;
}

/** `/server/version`, else the `version` string of `/server/about`, else unknown. */
async function readVersion(client: ImmichClient, call: { signal: AbortSignal | undefined }): Promise<SemVer | undefined> {
  const version = await optional(() => client.version(call));
  if (version !== undefined) return { major: version.major, minor: version.minor, patch: version.patch };
  const about = await optional(() => client.about(call));
  return about !== undefined ? parseVersion(about.version) : undefined;
}

/**
 * The answer of a call whose information is nice to have, or undefined when the route is missing,
 * refused, or answers in a shape we do not know (a partial Immich-compatible server). Network and
 * authentication failures are still thrown.
 */
async function optional<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ImmichHttpError && (error.isRouteMissing || error.status === 403 || error.kind === 'invalid-response')) return undefined;
    throw error;
  }
}

type ProbeResult = { state: 'present' } | { state: 'missing'; answer: string } | { state: 'forbidden'; message: string } | { state: 'foreign'; answer: string };

/** What each probe's request and answer look like on every Immich version: named when a server differs. */
const EXPECTED_SHAPES: Record<ProbedCapability, string> = {
  search: 'takes the filters at the top level ({"page": 1, "size": 1, "type": "IMAGE"}) and answers {"assets": {"items": [...], "nextPage": ...}}',
  tags: 'answers an array of tags',
  albums: 'answers an array of albums',
  stacks: 'answers an array of stacks',
};

async function probe(name: ProbedCapability, call: () => Promise<unknown>): Promise<ProbeResult> {
  try {
    await call();
    return { state: 'present' };
  } catch (error) {
    if (!(error instanceof ImmichHttpError)) throw error;
    const route = `${error.method} /api${error.endpoint}`;
    if (error.isRouteMissing) return { state: 'missing', answer: `${route} answered ${error.status}` };
    if (error.status === 403) return { state: 'forbidden', message: error.serverMessage ?? 'forbidden' };
    // An answer in another shape: a server that only looks like Immich.
    if (error.kind === 'invalid-response' && error.unexpectedShape) return { state: 'foreign', answer: `${route} answered in another shape (${error.reason ?? 'unreadable'})` };
    // The search probe is a valid request on every Immich version: a 400 means the server wants another request shape.
    if (name === 'search' && error.kind === 'http' && error.status === 400) {
      return { state: 'foreign', answer: `${route} refused Immich's search request with HTTP 400${error.serverMessage !== undefined ? ` (${error.serverMessage})` : ''}` };
    }
    // 400 (validation or access) proves the route exists; 401 and network failures are fatal.
    if (error.kind === 'http' && error.status === 400) return { state: 'present' };
    throw error;
  }
}

/**
 * Whether the key may do something, from its permission list (v1.139+). Undefined when unknown
 * (older server, or the list could not be read): then only trying tells.
 */
export function keyAllows(capabilities: ServerCapabilities, permission: string): boolean | undefined {
  const permissions = capabilities.keyPermissions;
  if (permissions === undefined) return undefined;
  return permissions.includes('all') || permissions.includes(permission);
}

/** The route each probed API is known by in messages. */
const ENDPOINTS: Record<ProbedCapability, string> = {
  search: 'POST /api/search/metadata',
  tags: '/api/tags',
  albums: '/api/albums',
  stacks: '/api/stacks',
};

/**
 * Throws a CapabilityError naming what is missing (the endpoint and what it answered), what needed
 * it, and `instead` (another way to get there, if any), before any change is attempted.
 */
export function requireCapability(capabilities: ServerCapabilities, name: ProbedCapability, purpose: string, instead?: string): void {
  if (!capabilities[name]) {
    const answer = capabilities.missing[name] ?? `no ${ENDPOINTS[name]}`;
    const then = instead !== undefined ? ` ${instead}` : '';
    throw new CapabilityError(`This Immich server (${describeServer(capabilities)}) has no ${name} API (${answer}), which ${purpose} needs; nothing was changed.${then}`);
  }
  const forbidden = capabilities.forbidden[name];
  if (forbidden !== undefined) {
    throw new CapabilityError(`The API key may not use the ${name} API, which ${purpose} needs: ${forbidden}`);
  }
}

function describeServer(capabilities: ServerCapabilities): string {
  return capabilities.versionKnown ? formatVersion(capabilities.version) : 'version unknown';
}
