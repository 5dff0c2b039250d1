/**
 * Finding and reading the config file: `--config <file>`, else cosmiconfig's search from the
 * working directory, else `~/.config/photo-organizer/config.yaml`.
 */

import { cosmiconfig } from 'cosmiconfig';
import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/progress.js';
import { validateUserConfig, type UserConfig } from './config-schema.js';

export interface LoadedConfig {
  config: UserConfig;
  /** The file it came from, if any. */
  file?: string;
}

export function userConfigFile(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'photo-organizer', 'config.yaml');
}

export async function loadConfig(explicitFile: string | undefined, logger: Logger): Promise<LoadedConfig> {
  const explorer = cosmiconfig('photo-organizer');
  let result;
  try {
    if (explicitFile) result = await explorer.load(explicitFile);
    else result = (await explorer.search()) ?? (existsSync(userConfigFile()) ? await explorer.load(userConfigFile()) : null);
  } catch (error) {
    const file = explicitFile ?? 'config file';
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (!result || result.isEmpty) return result ? { config: {}, file: result.filepath } : { config: {} };
  const checked = validateUserConfig(result.config);
  if ('problems' in checked) throw new ConfigError(`invalid config in ${result.filepath}:`, checked.problems);
  if (checked.config.immich?.api_key) warnIfReadableByOthers(result.filepath, logger);
  return { config: expandHomePaths(checked.config), file: result.filepath };
}

/** `~/x` in a path-valued key means the user's home, as it would in a shell. */
function expandHomePaths(config: UserConfig): UserConfig {
  const expand = (value: string | undefined) => (value?.startsWith('~/') ? path.join(os.homedir(), value.slice(2)) : value);
  const expanded: UserConfig = { ...config };
  if (config.hash_db) expanded.hash_db = expand(config.hash_db);
  if (config.immich) {
    expanded.immich = { ...config.immich };
    if (config.immich.cache_dir) expanded.immich.cache_dir = expand(config.immich.cache_dir);
    if (config.immich.ca_cert) expanded.immich.ca_cert = expand(config.immich.ca_cert);
  }
  return expanded;
}

function warnIfReadableByOthers(file: string, logger: Logger): void {
  try {
    if ((statSync(file).mode & 0o077) !== 0) {
      logger.warn(`${file} holds an API key and can be read by other users; run: chmod 600 ${JSON.stringify(file)}`);
    }
  } catch {
    // The file was just read; a failing stat here is not worth failing the run.
  }
}
