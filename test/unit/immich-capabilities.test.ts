import { describe, expect, it } from 'vitest';
import { CapabilityError } from '../../src/core/errors.js';
import { capabilitiesForVersion, keyAllows, parseVersion, requireCapability } from '../../src/sources/immich/server-capabilities.js';

const v = (major: number, minor: number, patch = 0) => ({ major, minor, patch });

describe('capabilitiesForVersion', () => {
  it('refuses servers older than v1.113 with a clear message', () => {
    expect(() => capabilitiesForVersion(v(1, 112, 9), true)).toThrow(CapabilityError);
    expect(() => capabilitiesForVersion(v(1, 106), true)).toThrow(/v1\.106\.0 is too old.*v1\.113\.0/);
  });

  it('follows the version table (API-NOTES §13)', () => {
    const old = capabilitiesForVersion(v(1, 113), true);
    expect(old).toMatchObject({ visibilityFilter: false, searchAlbumIds: false, searchStatistics: false, stablePaging: false, albumNameFilter: false, assetDimensions: false });
    expect(capabilitiesForVersion(v(1, 133), true).visibilityFilter).toBe(true);
    expect(capabilitiesForVersion(v(1, 134), true).searchAlbumIds).toBe(false);
    expect(capabilitiesForVersion(v(1, 135), true)).toMatchObject({ searchAlbumIds: true, searchStatistics: true });
    expect(capabilitiesForVersion(v(2, 7, 5), true)).toMatchObject({ assetDimensions: true, albumNameFilter: false, stablePaging: false });
    expect(capabilitiesForVersion(v(3, 0), true)).toMatchObject({ albumNameFilter: true, stablePaging: false });
    expect(capabilitiesForVersion(v(3, 1), true)).toMatchObject({ stablePaging: true, newerThanKnown: false });
    expect(capabilitiesForVersion(v(3, 2, 2), true).newerThanKnown).toBe(true);
  });

  it('knows where search lacks tagIds and which visibilities it searches by default (API-NOTES §4.3)', () => {
    expect(capabilitiesForVersion(v(1, 125), true)).toMatchObject({ searchTagIds: false, searchDefaultScope: 'unarchived' });
    expect(capabilitiesForVersion(v(1, 126), true)).toMatchObject({ searchTagIds: true, searchDefaultScope: 'unarchived' });
    expect(capabilitiesForVersion(v(1, 133), true).searchDefaultScope).toBe('timeline');
    expect(capabilitiesForVersion(v(2, 7, 5), true).searchDefaultScope).toBe('timeline');
    expect(capabilitiesForVersion(v(3, 0), true).searchDefaultScope).toBe('all');
  });

  it('carries the version warning, or none for a tested version', () => {
    expect(capabilitiesForVersion(v(3, 1, 4), true).versionNotice).toBeUndefined();
    expect(capabilitiesForVersion(v(3, 2), true).versionNotice).toMatch(/v3\.2\.0 is newer than the newest version photo-organizer is tested with/);
    expect(capabilitiesForVersion(v(0, 0), false).versionNotice).toMatch(/does not say which Immich version/);
    expect(() => capabilitiesForVersion(v(4, 0), true)).toThrow(CapabilityError);
  });

  it('knows duplicates only when detection is on', () => {
    expect(capabilitiesForVersion(v(3, 1), true, { duplicateDetection: false }).duplicates).toBe(false);
    expect(capabilitiesForVersion(v(3, 1), true, { duplicateDetection: true }).duplicates).toBe(true);
  });

  it('accepts an unknown version (partial server) as the newest known', () => {
    const caps = capabilitiesForVersion(v(0, 0), false);
    expect(caps.versionKnown).toBe(false);
    expect(caps.searchAlbumIds).toBe(true);
  });
});

describe('parseVersion', () => {
  it('reads the about string forms', () => {
    expect(parseVersion('v3.1.0')).toEqual(v(3, 1, 0));
    expect(parseVersion('1.142.1')).toEqual(v(1, 142, 1));
    expect(parseVersion('v3.2.0-rc.1')).toEqual(v(3, 2, 0));
    expect(parseVersion('dev')).toBeUndefined();
  });
});

describe('requireCapability', () => {
  it('names the missing API and what needed it', () => {
    const caps = { ...capabilitiesForVersion(v(3, 1), true), stacks: false };
    expect(() => requireCapability(caps, 'stacks', '--stack')).toThrow(/\(v3\.1\.0\) has no stacks API \(no \/api\/stacks\), which --stack needs; nothing was changed\.$/);
    caps.missing.stacks = 'GET /api/stacks answered 501';
    expect(() => requireCapability(caps, 'stacks', '--stack', 'Use --tag-only.')).toThrow(/has no stacks API \(GET \/api\/stacks answered 501\), which --stack needs; nothing was changed\. Use --tag-only\.$/);
    expect(() => requireCapability(caps, 'tags', '--tag-only')).not.toThrow();
  });

  it('tells a forbidden API apart from a missing one', () => {
    const caps = capabilitiesForVersion(v(3, 1), true);
    caps.forbidden.tags = 'Missing required permission: tag.read';
    expect(() => requireCapability(caps, 'tags', '--tag-only')).toThrow(/API key may not use the tags API.*tag\.read/);
  });
});

describe('keyAllows', () => {
  it('says unknown when the server cannot list the key permissions', () => {
    const caps = capabilitiesForVersion(v(1, 138), true);
    expect(caps.apiKeyInfo).toBe(false);
    expect(keyAllows(caps, 'tag.asset')).toBeUndefined();
  });

  it('reads "all" and single permissions', () => {
    const caps = capabilitiesForVersion(v(1, 139), true);
    expect(caps.apiKeyInfo).toBe(true);
    expect(keyAllows({ ...caps, keyPermissions: ['all'] }, 'stack.create')).toBe(true);
    expect(keyAllows({ ...caps, keyPermissions: ['tag.asset'] }, 'stack.create')).toBe(false);
  });
});
