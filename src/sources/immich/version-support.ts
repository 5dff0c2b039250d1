/**
 * Which Immich versions photo-organizer works with, decided once from `/server/version`:
 *
 * - older than v1.113: refused (the tags API this tool uses arrived then);
 * - v1.113 to v1.123: accepted with a warning (nothing this tool calls changed since, but untested);
 * - v1.124 to v3.1: supported and tested (the e2e suite runs against the 1.124.0, 1.142.0, 2.7.5 and 3.1.0 APIs);
 * - a newer v3 (3.2, ...): a warning, and on with the v3.1 calls (Immich keeps the legacy search body until v4);
 * - v4 or newer: refused, because Immich marked that search body for removal in v4;
 * - no version at all (a partial Immich-compatible server): a warning, and the v3.1 API is assumed.
 */

import { CapabilityError } from '../../core/errors.js';

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

/** Tags as we use them (`PUT /tags`, `PUT /tags/assets`) arrived in v1.113; older servers are refused. */
export const MINIMUM_VERSION: SemVer = { major: 1, minor: 113, patch: 0 };
/** The oldest API the test suite runs against. */
export const OLDEST_TESTED_VERSION: SemVer = { major: 1, minor: 124, patch: 0 };
/** The newest API this code was written against; an unknown version is assumed to be this one. */
export const NEWEST_KNOWN_VERSION: SemVer = { major: 3, minor: 1, patch: 0 };
/** The last major version whose API this code speaks. */
export const LAST_SUPPORTED_MAJOR = 3;

export function compareVersions(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function atLeast(version: SemVer, major: number, minor: number, patch = 0): boolean {
  return compareVersions(version, { major, minor, patch }) >= 0;
}

export function formatVersion(version: SemVer): string {
  return `v${version.major}.${version.minor}.${version.patch}`;
}

/** "v3.1.0", "1.142.1", "v3.2.0-rc.1" → SemVer; undefined if it is not a version. */
export function parseVersion(text: string): SemVer | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export const SUPPORTED_RANGE = `${formatVersion(OLDEST_TESTED_VERSION)} to v${LAST_SUPPORTED_MAJOR}.x`;

/**
 * Throws a CapabilityError for a version outside what this code can work with; returns a warning
 * for one it accepts without having been tested against it, and undefined for a tested one.
 */
export function checkVersion(version: SemVer | undefined): string | undefined {
  if (version === undefined) {
    return `the server does not say which Immich version it is; assuming the ${formatVersion(NEWEST_KNOWN_VERSION)} API (photo-organizer supports Immich ${SUPPORTED_RANGE})`;
  }
  const shown = formatVersion(version);
  if (compareVersions(version, MINIMUM_VERSION) < 0) {
    throw new CapabilityError(
      `Immich server ${shown} is too old: photo-organizer needs ${formatVersion(MINIMUM_VERSION)} or newer (the tags API), and is tested with ${SUPPORTED_RANGE}. Please upgrade Immich.`,
    );
  }
  if (version.major > LAST_SUPPORTED_MAJOR) {
    throw new CapabilityError(
      `Immich server ${shown} is newer than photo-organizer supports (${SUPPORTED_RANGE}): Immich v4 drops the search request this tool sends. Nothing was changed; look for a newer photo-organizer.`,
    );
  }
  if (compareVersions(version, OLDEST_TESTED_VERSION) < 0) {
    return `Immich server ${shown} is older than the oldest version photo-organizer is tested with (${formatVersion(OLDEST_TESTED_VERSION)}); it should work, but consider upgrading Immich`;
  }
  // A newer patch release does not change the API; a newer minor one may add to it.
  if (compareVersions({ ...version, patch: 0 }, { ...NEWEST_KNOWN_VERSION, patch: 0 }) > 0) {
    return `Immich server ${shown} is newer than the newest version photo-organizer is tested with (${formatVersion(NEWEST_KNOWN_VERSION)}); going on with the ${formatVersion(NEWEST_KNOWN_VERSION)} API`;
  }
  return undefined;
}
