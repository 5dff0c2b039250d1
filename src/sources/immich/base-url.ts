/**
 * Normalising what a user types as the Immich URL into the API base every request is built on.
 * People paste the web address (`http://nas:2283`), the API address (`…/api`), or a reverse-proxy
 * sub-path (`https://host/immich/`); all of them mean the same server.
 */

import { ConfigError } from '../../core/errors.js';

/**
 * Returns the API base without a trailing slash, e.g. `https://host/immich/api`.
 * Refuses what cannot be right: other schemes, credentials in the URL (they would be logged
 * wherever the URL is), query strings and fragments (nothing can be appended after them).
 */
export function normalizeBaseUrl(input: string): string {
  const trimmed = input.trim();
  let url: URL;
  try {
    // A bare host ("nas.local:2283") is common in config files; assume http like the Immich apps do.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`);
  } catch {
    throw new ConfigError(`Invalid Immich URL "${trimmed}": not a URL (expected e.g. http://immich.local:2283)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`Invalid Immich URL "${trimmed}": only http:// and https:// are supported`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError('Invalid Immich URL: it must not contain a user name or password; use the API key');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`Invalid Immich URL "${url.origin}${url.pathname}…": remove the query string or fragment`);
  }
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  if (segments.at(-1) !== 'api') segments.push('api');
  return `${url.origin}/${segments.join('/')}`;
}

/** The base URL with one API path appended (`path` starts with `/`, e.g. `/server/ping`). */
export function apiUrl(baseUrl: string, path: string, query?: Record<string, string | undefined>): URL {
  const url = new URL(`${baseUrl}${path}`);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url;
}
