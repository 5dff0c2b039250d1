/**
 * The Immich action target a run asks for, built once the server's capabilities are known and
 * before anything changes: a missing API (tags, albums, stacks) or a key permission the action needs
 * is a CapabilityError (exit 2) here, not a failure halfway through.
 */

import { CapabilityError } from '../../core/errors.js';
import { formatVersion, keyAllows, requireCapability, type ImmichClient, type ProbedCapability, type ServerCapabilities } from '../../sources/immich/index.js';
import type { ActionTarget } from '../action-target.js';
import { combineTargets } from '../combined-target.js';
import { albumTarget } from './album-target.js';
import { AssetStates } from './asset-state.js';
import { favoriteTarget } from './favorite-target.js';
import { othersTarget, type OthersMode } from './others-target.js';
import { reviewTarget } from './review-target.js';
import { similarityTarget } from './similarity-target.js';
import { stackTarget } from './stack-target.js';
import { immichTagTarget } from './tag-target.js';

export type ImmichAction =
  | { kind: 'tag'; tagName: string; perGroup: boolean }
  | { kind: 'tag-duplicates-of-local'; tagName: string }
  | { kind: 'untag'; tagName: string; deleteTag: boolean }
  | { kind: 'groups'; albumPrefix?: string; favorite: boolean; stack: boolean };

/** The resolve actions, which go with any of the above but `untag`: applied after it, in this order. */
export interface ResolveActions {
  similarity: boolean;
  review: boolean;
  others?: OthersMode;
}

export interface ImmichTargetOptions {
  client: ImmichClient;
  capabilities: ServerCapabilities;
  includeSimilar: boolean;
  action?: ImmichAction;
  resolve?: ResolveActions;
}

/** What each action needs: the API to be there, and these key permissions (API-NOTES §2.1). */
interface Needs {
  flag: string;
  api: ProbedCapability;
  permissions: string[];
}

/** The flags that mark groups through each API: offered instead when the one asked for is missing. */
const MARKING_FLAGS: Partial<Record<ProbedCapability, string>> = { tags: '--tag-only', albums: '--create-albums', stacks: '--stack' };

/** "Use --create-albums or --stack to mark the groups instead." for the APIs this server has; undefined if none. */
function instead(capabilities: ServerCapabilities, need: Needs, asked: readonly Needs[]): string | undefined {
  if (!Object.values(MARKING_FLAGS).includes(need.flag)) return undefined;
  const askedApis = new Set(asked.map((other) => other.api));
  const others = (Object.entries(MARKING_FLAGS) as [ProbedCapability, string][])
    .filter(([api]) => !askedApis.has(api) && capabilities[api] && capabilities.forbidden[api] === undefined)
    .map(([, flag]) => flag);
  return others.length > 0 ? `Use ${others.join(' or ')} to mark the groups instead.` : undefined;
}

export function immichActionTarget(options: ImmichTargetOptions): ActionTarget | undefined {
  const resolve = options.resolve ? resolveTargets(options, options.resolve) : [];
  const main = options.action ? mainTarget(options, options.action) : undefined;
  const targets = [...(main ? [main] : []), ...resolve];
  if (targets.length <= 1) return targets[0];
  return combineTargets(targets);
}

/**
 * `--write-similarity`, `--immich-review`, `--archive-others` / `--trash-others`. Each needs its
 * server feature and key permissions, checked here before anything is scanned or changed (exit 2).
 */
function resolveTargets(options: ImmichTargetOptions, resolve: ResolveActions): ActionTarget[] {
  const { client, capabilities, includeSimilar } = options;
  const server = describeServer(capabilities);
  const needs: Needs[] = [];
  const targets: ActionTarget[] = [];
  const states = new AssetStates(client);
  if (resolve.similarity) {
    if (!capabilities.assetMetadata) {
      throw new CapabilityError(`This Immich server (${server}) has no asset metadata (it came with Immich v3.0), which --write-similarity needs; nothing was changed. Upgrade Immich, or leave out --write-similarity.`);
    }
    needs.push({ flag: '--write-similarity', api: 'search', permissions: ['asset.read', 'asset.update'] });
    targets.push(similarityTarget(client, states, includeSimilar));
  }
  if (resolve.review) {
    needs.push({ flag: '--immich-review', api: 'search', permissions: ['asset.read', 'asset.update', 'duplicate.read'] });
    targets.push(reviewTarget(client, states, includeSimilar));
  }
  if (resolve.others) {
    const flag = `--${resolve.others}-others`;
    if (!capabilities.visibilityFilter) {
      throw new CapabilityError(`This Immich server (${server}) has no asset visibility (it came with Immich v1.133), which ${flag} needs; nothing was changed.`);
    }
    if (resolve.others === 'trash' && !capabilities.trash) {
      throw new CapabilityError(
        `This Immich server (${server}) ${capabilities.features['trash'] === false ? 'has its trash turned off, so removing a photo would delete it for good' : 'does not say whether its trash is on (GET /api/server/features)'}; --trash-others only ever moves photos to the trash, so nothing was changed. Use --archive-others instead, or turn the trash on in Immich (Administration → Settings → Trash).`,
      );
    }
    const permissions = ['asset.read', 'asset.update', 'album.read', 'albumAsset.create', ...(resolve.others === 'trash' ? ['asset.delete'] : [])];
    needs.push({ flag, api: 'albums', permissions });
    targets.push(othersTarget(client, states, includeSimilar, resolve.others));
  }
  requireAll(capabilities, needs);
  return targets;
}

function describeServer(capabilities: ServerCapabilities): string {
  return capabilities.versionKnown ? formatVersion(capabilities.version) : 'version unknown';
}

function mainTarget(options: ImmichTargetOptions, action: ImmichAction): ActionTarget | undefined {
  const { client, capabilities, includeSimilar } = options;
  switch (action.kind) {
    case 'tag':
    case 'tag-duplicates-of-local':
      requireAll(capabilities, [{ flag: action.kind === 'tag' ? '--tag-only' : '--tag-duplicates-of-local', api: 'tags', permissions: ['tag.read', 'tag.create', 'tag.asset'] }]);
      return immichTagTarget({ client, capabilities, includeSimilar, mode: action.kind, tagName: action.tagName, perGroup: action.kind === 'tag' && action.perGroup });
    case 'untag':
      requireAll(capabilities, [{ flag: '--remove-tag', api: 'tags', permissions: ['tag.read', 'tag.asset', ...(action.deleteTag ? ['tag.delete'] : [])] }]);
      return immichTagTarget({ client, capabilities, includeSimilar, mode: 'untag', tagName: action.tagName, deleteTag: action.deleteTag });
    case 'groups': {
      const needs: Needs[] = [];
      const targets: ActionTarget[] = [];
      if (action.albumPrefix !== undefined) {
        needs.push({ flag: '--create-albums', api: 'albums', permissions: ['album.read', 'album.create', 'albumAsset.create', 'user.read'] });
        targets.push(albumTarget({ client, capabilities, includeSimilar, prefix: action.albumPrefix }));
      }
      if (action.favorite) {
        needs.push({ flag: '--mark-best-favorite', api: 'search', permissions: ['asset.update'] });
        targets.push(favoriteTarget({ client, capabilities }, includeSimilar));
      }
      if (action.stack) {
        needs.push({ flag: '--stack', api: 'stacks', permissions: ['stack.read', 'stack.create'] });
        targets.push(stackTarget(client, includeSimilar));
      }
      requireAll(capabilities, needs);
      return targets.length > 0 ? combineTargets(targets) : undefined;
    }
  }
}

function requireAll(capabilities: ServerCapabilities, needs: readonly Needs[]): void {
  for (const need of needs) {
    requireCapability(capabilities, need.api, need.flag, instead(capabilities, need, needs));
    const missing = need.permissions.filter((permission) => keyAllows(capabilities, permission) === false);
    if (missing.length > 0) {
      throw new CapabilityError(
        `The API key lacks the permission${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that ${need.flag} needs; add ${missing.length > 1 ? 'them' : 'it'} to the key in Immich (Account Settings → API Keys).`,
      );
    }
  }
}
