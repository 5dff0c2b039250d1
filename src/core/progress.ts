/** Progress events the pipeline emits; the CLI decides whether and how to draw them. */

export type Stage = 'list' | 'hash' | 'group' | 'apply';

export interface ProgressEvent {
  stage: Stage;
  done: number;
  /** Unknown while a source is still being listed. */
  total?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };
