/**
 * The write guard for other users' photos. A run with `--include-partners` or
 * `--include-shared-albums` lists assets the key's user does not own; every one of them is recorded
 * here as it is listed, and every writing client method refuses a request naming one, before it is
 * sent. Planning already leaves them out (`isOwnPhoto`): this is the second lock, where the change
 * would happen, so no future action can touch another user's photo by mistake.
 */

import { PhotoOrganizerError } from '../../core/errors.js';

/** A write named another user's asset: a bug in planning, stopped before the request was sent. */
export class OthersAssetWriteError extends PhotoOrganizerError {}

export class OthersAssets {
  readonly #ids = new Set<string>();

  add(id: string): void {
    this.#ids.add(id);
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  get size(): number {
    return this.#ids.size;
  }

  /** The error to stop `request` with when any of `ids` is another user's asset, else undefined. */
  check(ids: readonly string[], request: string): OthersAssetWriteError | undefined {
    if (this.#ids.size === 0) return undefined;
    const foreign = ids.filter((id) => this.#ids.has(id));
    if (foreign.length === 0) return undefined;
    const named = `${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}`;
    return new OthersAssetWriteError(`refused to send ${request}: it names ${foreign.length} photo${foreign.length > 1 ? 's' : ''} of another user (${named}), which this tool never changes; nothing was sent`);
  }

  /** Throws before `request` is sent when any of `ids` is another user's asset. */
  refuse(ids: readonly string[], request: string): void {
    const refused = this.check(ids, request);
    if (refused) throw refused;
  }
}
