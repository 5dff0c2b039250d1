import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { apiUrl, normalizeBaseUrl } from '../../src/sources/immich/base-url.js';

describe('normalizeBaseUrl', () => {
  it.each([
    ['http://nas:2283', 'http://nas:2283/api'],
    ['http://nas:2283/', 'http://nas:2283/api'],
    ['http://nas:2283/api', 'http://nas:2283/api'],
    ['http://nas:2283/api/', 'http://nas:2283/api'],
    ['http://nas:2283//api//', 'http://nas:2283/api'],
    ['https://host/immich', 'https://host/immich/api'],
    ['https://host/immich/', 'https://host/immich/api'],
    ['https://host/immich/api', 'https://host/immich/api'],
    ['  https://HOST.example/immich/api/  ', 'https://host.example/immich/api'],
    ['nas.local:2283', 'http://nas.local:2283/api'],
    ['https://host:443/', 'https://host/api'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeBaseUrl(input)).toBe(expected);
  });

  it.each([
    ['ftp://host/', /only http/],
    ['https://user:secret@host/', /user name or password/],
    ['https://host/?apiKey=abc', /query string/],
    ['https://host/#x', /fragment/],
    ['http://', /not a URL/],
  ])('refuses %s', (input, message) => {
    expect(() => normalizeBaseUrl(input)).toThrow(ConfigError);
    expect(() => normalizeBaseUrl(input)).toThrow(message);
  });

  it('never repeats credentials from a refused URL in the message', () => {
    expect(() => normalizeBaseUrl('https://user:topsecret@host/')).toThrow(/^(?!.*topsecret)/s);
  });
});

describe('apiUrl', () => {
  it('appends the path and only defined query values', () => {
    const url = apiUrl('https://host/immich/api', '/assets/abc/thumbnail', { size: 'thumbnail', edited: undefined });
    expect(url.href).toBe('https://host/immich/api/assets/abc/thumbnail?size=thumbnail');
  });
});
