/** Options of the fake and the emulated server version/capabilities (mutable at runtime via `fake.config`). */

import type { SpecVersion } from '../openapi-validator.js';
import type { CompatibleServer } from './routes/compatible-servers.js';
import type { FakeState } from './state.js';

export type { SpecVersion } from '../openapi-validator.js';

export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
  /** Sent since v3.0; set `undefined` to emulate older servers that omit it. */
  prerelease?: number | null | undefined;
}

/** Route groups that can be switched off to emulate an older or partial server (404 "Cannot GET ..."). */
export interface Capabilities {
  /** `POST /search/metadata` and `/search/statistics`. */
  search: boolean;
  tags: boolean;
  stacks: boolean;
  albums: boolean;
  /** `PUT /albums/assets` (v1.139+). */
  albumsAssetsBulk: boolean;
  duplicates: boolean;
  /** `GET /api-keys/me` (v1.139+). */
  apiKeysMe: boolean;
  /** `POST /search/statistics` (v1.135+). */
  searchStatistics: boolean;
  /** `POST /assets` multipart upload. */
  upload: boolean;
}

export interface FakeImmichOptions {
  /** Emulates a reverse proxy sub-path: with `/immich`, routes live at `/immich/api/...`. */
  pathPrefix?: string;
  version?: ServerVersion;
  /**
   * The Immich API emulated (default 3.1.0): requests are validated against that release's OpenAPI
   * document, its missing routes answer 404, fields it does not declare are dropped, and request and
   * response shapes follow it where they changed (search filters, album and asset DTOs, status codes).
   */
  api?: SpecVersion;
  /** How a switched-off capability answers: 404 (an older Immich, NestJS "Cannot GET") or 501 (a partial backend). */
  missingRouteStatus?: 404 | 501;
  /** Merged over the recorded v3.1.0 `/server/about` body (the version fields follow `version`). */
  about?: Record<string, unknown>;
  /** Merged over the recorded `/server/features` body (ML off). */
  features?: Record<string, boolean>;
  capabilities?: Partial<Capabilities>;
  /** Default search visibility when none is sent: v3 = all but locked, v2 = timeline only. */
  searchDefaultVisibility?: 'v3' | 'v2';
  /** Answer 400 when a request violates the OpenAPI document (stricter than Immich). Default false. */
  strictValidation?: boolean;
  /**
   * Error body style. `v3` (default): `{message}` (+ zod `errors`). `v2`: NestJS style
   * `{message, error, statusCode, correlationId}` with validation messages as an array of strings.
   */
  errorFormat?: 'v3' | 'v2';
  /**
   * Delay before an upload's thumbnail/preview job runs (until then: 404 "Asset media not found"). Default 0.
   * `'manual'`: jobs run only when `fake.waitForJobs()` is called.
   */
  thumbnailJobDelayMs?: number | 'manual';
  /** Listen on this port (default: any free one). */
  port?: number;
  /** Start from this state instead of an empty one (e.g. one saved with `FakeState.toBytes`). */
  state?: FakeState;
  /** Lay the routes of an Immich-compatible server that is not Immich over the v3.1 ones (routes/compatible-servers.ts). */
  imitates?: CompatibleServer;
  /**
   * How search pages. `immich`: `nextPage` while more is left. `filtered-ends-after-one-page`: a search
   * with any filter (a field besides paging, order, visibility, withDeleted, withExif, withStacked)
   * answers `nextPage: null` after its first page. `filtered-repeats-page`: such a search answers the
   * page number it was asked for as `nextPage` from page 2 on.
   */
  searchPaging?: SearchPaging;
  /** The most items a search page holds, whatever `size` asks. */
  searchPageCap?: number;
}

export type SearchPaging = 'immich' | 'filtered-ends-after-one-page' | 'filtered-repeats-page';

export interface FakeImmichConfig {
  pathPrefix: string;
  version: ServerVersion;
  api: SpecVersion;
  missingRouteStatus: 404 | 501;
  about: Record<string, unknown>;
  features: Record<string, boolean>;
  capabilities: Capabilities;
  searchDefaultVisibility: 'v3' | 'v2';
  strictValidation: boolean;
  errorFormat: 'v3' | 'v2';
  thumbnailJobDelayMs: number | 'manual';
  imitates: CompatibleServer | undefined;
  searchPaging: SearchPaging;
  searchPageCap: number | undefined;
}

export const RECORDED_FEATURES: Record<string, boolean> = {
  smartSearch: false, facialRecognition: false, duplicateDetection: false, map: true, reverseGeocoding: true, importFaces: false,
  sidecar: true, search: true, trash: true, oauth: false, oauthAutoLaunch: false, ocr: false, passwordLogin: true, configFile: true,
  email: false, realtimeTranscoding: false,
};

const RECORDED_ABOUT_EXTRAS: Record<string, unknown> = {
  nodejs: 'v24.15.0', exiftool: '13.59', ffmpeg: '5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers', libvips: '8.17.3', imagemagick: '',
};

export function resolveConfig(options: FakeImmichOptions = {}): FakeImmichConfig {
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const api = options.api ?? '3.1.0';
  return {
    pathPrefix: prefix === '' || prefix.startsWith('/') ? prefix : `/${prefix}`,
    version: options.version ?? versionOf(api),
    api,
    missingRouteStatus: options.missingRouteStatus ?? 404,
    about: { ...RECORDED_ABOUT_EXTRAS, ...options.about },
    features: { ...RECORDED_FEATURES, ...options.features },
    capabilities: {
      search: true, tags: true, stacks: true, albums: true, albumsAssetsBulk: true, duplicates: true, apiKeysMe: true, searchStatistics: true, upload: true,
      ...options.capabilities,
    },
    // v1.133–v2.x search only the timeline when no visibility is sent.
    searchDefaultVisibility: options.searchDefaultVisibility ?? (api.startsWith('3.') ? 'v3' : 'v2'),
    strictValidation: options.strictValidation ?? false,
    errorFormat: options.errorFormat ?? (api.startsWith('3.') ? 'v3' : 'v2'),
    thumbnailJobDelayMs: options.thumbnailJobDelayMs ?? 0,
    imitates: options.imitates,
    searchPaging: options.searchPaging ?? 'immich',
    searchPageCap: options.searchPageCap,
  };
}

/** What `/server/version` of that release sends (`prerelease` from v3.0 on). */
function versionOf(api: SpecVersion): ServerVersion {
  const [major = 0, minor = 0, patch = 0] = api.split('.').map(Number);
  return major >= 3 ? { major, minor, patch, prerelease: null } : { major, minor, patch };
}

export const versionString = (v: ServerVersion): string => `v${v.major}.${v.minor}.${v.patch}`;

/** Whether the emulated API is at least `major.minor` (e.g. `apiAtLeast(config, 1, 133)` for `visibility`). */
export function apiAtLeast(config: Pick<FakeImmichConfig, 'api'>, major: number, minor: number): boolean {
  const [apiMajor = 0, apiMinor = 0] = config.api.split('.').map(Number);
  return apiMajor > major || (apiMajor === major && apiMinor >= minor);
}
