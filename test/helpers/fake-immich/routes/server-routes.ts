/** `/server/*`, `/users/me`, `/api-keys/me`. */
import { versionString } from '../config.js';
import { HttpError, json } from '../http.js';
import type { RouteDef } from '../router.js';
import { userAdminDto } from '../serialize.js';

const MEDIA_TYPES = {
  video: ['.3gp', '.avi', '.flv', '.m2ts', '.mkv', '.mov', '.mp4', '.mpg', '.mts', '.webm', '.wmv'],
  image: ['.avif', '.bmp', '.gif', '.heic', '.heif', '.jpeg', '.jpg', '.jxl', '.png', '.tif', '.tiff', '.webp', '.dng', '.nef', '.cr2', '.arw', '.raf', '.orf', '.rw2'],
  sidecar: ['.xmp'],
};

export const serverRoutes: RouteDef[] = [
  { method: 'GET', template: '/server/ping', handler: () => json(200, { res: 'pong' }) },
  {
    method: 'GET',
    template: '/server/version',
    handler: ({ config }) => {
      const { major, minor, patch, prerelease } = config.version;
      return json(200, prerelease === undefined ? { major, minor, patch } : { major, minor, patch, prerelease });
    },
  },
  {
    method: 'GET',
    template: '/server/about',
    handler: ({ config }) => {
      const version = versionString(config.version);
      return json(200, { version, versionUrl: `https://github.com/immich-app/immich/releases/tag/${version}`, licensed: false, ...config.about });
    },
  },
  { method: 'GET', template: '/server/features', handler: ({ config }) => json(200, config.features) },
  { method: 'GET', template: '/server/media-types', handler: () => json(200, MEDIA_TYPES) },
  {
    method: 'GET',
    template: '/server/config',
    handler: () =>
      json(200, {
        loginPageMessage: '', trashDays: 30, userDeleteDelay: 7, oauthButtonText: 'Login with OAuth', isInitialized: true, isOnboarded: true,
        externalDomain: '', publicUsers: true, mapDarkStyleUrl: '', mapLightStyleUrl: '', maintenanceMode: false, minFaces: 3,
      }),
  },
  { method: 'GET', template: '/users/me', handler: ({ user }) => json(200, userAdminDto(user)) },
  {
    method: 'GET',
    template: '/api-keys/me',
    capability: 'apiKeysMe',
    handler: ({ apiKey }) => {
      if (!apiKey) throw new HttpError(403, { message: 'Not authenticated with an API Key' });
      return json(200, { id: apiKey.id, name: apiKey.name, createdAt: apiKey.createdAt, updatedAt: apiKey.updatedAt, permissions: apiKey.permissions });
    },
  },
];
