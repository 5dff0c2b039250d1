import { describe, expect, it } from 'vitest';
import { CapabilityError } from '../../src/core/errors.js';
import { checkVersion, parseVersion } from '../../src/sources/immich/version-support.js';

const v = (major: number, minor: number, patch = 0) => ({ major, minor, patch });

describe('checkVersion: the supported range (v1.124 to v3.x)', () => {
  it('says nothing about a tested version or a patch release of one', () => {
    for (const version of [v(1, 124), v(1, 142), v(2, 7, 5), v(3, 0), v(3, 1), v(3, 1, 9)]) expect(checkVersion(version)).toBeUndefined();
  });

  it('warns, and goes on, for a newer v3 minor release', () => {
    expect(checkVersion(v(3, 2, 2))).toBe(
      'Immich server v3.2.2 is newer than the newest version photo-organizer is tested with (v3.1.0); going on with the v3.1.0 API',
    );
  });

  it('warns for v1.113 to v1.123, which have every call this tool makes but are not tested', () => {
    expect(checkVersion(v(1, 113))).toMatch(/v1\.113\.0 is older than the oldest version photo-organizer is tested with \(v1\.124\.0\); it should work/);
    expect(checkVersion(v(1, 123, 1))).toMatch(/v1\.123\.1 is older/);
  });

  it('warns when the server reports no version (a partial compatible server)', () => {
    expect(checkVersion(undefined)).toMatch(/does not say which Immich version it is; assuming the v3\.1\.0 API \(photo-organizer supports Immich v1\.124\.0 to v3\.x\)/);
  });

  it('refuses v4 and later, and anything before v1.113', () => {
    expect(() => checkVersion(v(4, 0))).toThrow(CapabilityError);
    expect(() => checkVersion(v(4, 0))).toThrow(/v4\.0\.0 is newer than photo-organizer supports \(v1\.124\.0 to v3\.x\): Immich v4 drops the search request/);
    expect(() => checkVersion(v(1, 112, 9))).toThrow(/v1\.112\.9 is too old: photo-organizer needs v1\.113\.0 or newer/);
    expect(() => checkVersion(parseVersion('v5.0.0-rc.1'))).toThrow(CapabilityError);
  });
});
