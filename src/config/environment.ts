/**
 * The environment layer: between flags and the config file. `IMMICH_INSTANCE_URL` is what the
 * official Immich CLI reads, so it is accepted too.
 */

export interface EnvironmentSettings {
  immichUrl?: string;
  immichApiKey?: string;
  /** `PHOTO_ORGANIZER_HTTP_TIMEOUT`: seconds per Immich request attempt, as typed (checked where it is used). */
  httpTimeout?: string;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentSettings {
  const settings: EnvironmentSettings = {};
  const url = env['IMMICH_URL'] || env['IMMICH_INSTANCE_URL'];
  if (url) settings.immichUrl = url;
  const key = env['IMMICH_API_KEY'];
  if (key) settings.immichApiKey = key;
  const timeout = env['PHOTO_ORGANIZER_HTTP_TIMEOUT'];
  if (timeout) settings.httpTimeout = timeout;
  return settings;
}
