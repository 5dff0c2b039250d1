/**
 * The few fatal errors of photo-organizer. Per-photo problems are not errors: they are
 * recorded in the run account and the run goes on. Only `cli/main.ts` turns these into
 * messages and exit codes.
 */

export class PhotoOrganizerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags or arguments: exit 2. */
export class UsageError extends PhotoOrganizerError {}

/** Invalid configuration file or values: exit 2. `problems` holds every problem, each with its key path. */
export class ConfigError extends PhotoOrganizerError {
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(problems.length > 0 ? `${message}\n  ${problems.join('\n  ')}` : message);
  }
}

/** A source cannot be read at all (folder missing, server unreachable): exit 1. */
export class SourceUnavailableError extends PhotoOrganizerError {}

/** The hash store cannot be opened or is newer than this program: exit 1. */
export class StoreError extends PhotoOrganizerError {}

/** A capability the requested action needs is missing on this server: exit 2, before any change. */
export class CapabilityError extends PhotoOrganizerError {}

/** Thrown by stages when the run's AbortSignal fires; a cancel is not a failure. */
export class CancelledError extends PhotoOrganizerError {
  constructor() {
    super('cancelled');
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/**
 * A photo whose bytes are bad or unreadable for good (corrupt, permission denied): the photo is
 * skipped with this reason. Any other error while reading a photo (network, server) marks it failed.
 */
export class PhotoUnreadableError extends PhotoOrganizerError {}
