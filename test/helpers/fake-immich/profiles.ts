/**
 * Capability profiles of the fake: one per supported Immich API version (requests validated against
 * that release's OpenAPI document, its routes, shapes and defaults), and partial Immich-compatible
 * backends that lack one route group, answering 404 (NestJS style) or 501 for it.
 */
import { SPEC_VERSIONS, type SpecVersion } from '../openapi-validator.js';
import type { Capabilities, FakeImmichOptions } from './config.js';

export interface FakeProfile {
  /** `immich-1.124.0`, `partial-no-tags-501`, ... */
  name: string;
  options: FakeImmichOptions;
}

export interface VersionProfile extends FakeProfile {
  api: SpecVersion;
}

export type PartialCapability = Extract<keyof Capabilities, 'search' | 'tags' | 'albums' | 'stacks'>;

export interface PartialProfile extends FakeProfile {
  missing: PartialCapability;
  status: 404 | 501;
}

export const VERSION_PROFILES: readonly VersionProfile[] = SPEC_VERSIONS.map((api) => ({ name: `immich-${api}`, api, options: { api } }));

export const PARTIAL_CAPABILITIES: readonly PartialCapability[] = ['tags', 'albums', 'stacks', 'search'];

/** A v3.1 API (reporting v3.1.0) with one route group missing. */
export const PARTIAL_PROFILES: readonly PartialProfile[] = PARTIAL_CAPABILITIES.flatMap((missing) =>
  ([404, 501] as const).map((status) => ({
    name: `partial-no-${missing}-${status}`,
    missing,
    status,
    options: { capabilities: { [missing]: false }, missingRouteStatus: status },
  })),
);

/**
 * The two public Immich-compatible servers of `../shared/immich/COMPATIBLE-SERVERS.md`, as close as
 * its table says: `adapter-like` (gumnut-ai/immich-adapter, reporting v3.1.0) and `go-backend-like`
 * (denysvitali/immich-go-backend, reporting a version without `prerelease`).
 */
export const COMPATIBLE_PROFILES: readonly FakeProfile[] = [
  { name: 'adapter-like', options: { imitates: 'adapter', searchPaging: 'filtered-ends-after-one-page', searchPageCap: 200 } },
  { name: 'go-backend-like', options: { imitates: 'go-backend', version: { major: 1, minor: 142, patch: 0 } } },
];
