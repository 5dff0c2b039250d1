/** Spawns the built CLI (`bin/photo-organizer.js`) the way a user or a script would. */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/photo-organizer.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called once the process is running, e.g. to send it a signal. */
  onStart?: (child: ChildProcess) => void;
  /** A command to run the node binary under (e.g. ['setpriv', ...] to drop privileges). */
  prefix?: string[];
}

let home: string | undefined;

/**
 * The environment the CLI runs in: the caller's, but with the folders a user's home would give it
 * (config, hash database, thumbnail cache) in a throw-away folder of this test process. So no test
 * reads the config of whoever runs the suite, writes into their home, or shares a default hash
 * database (and its lock) with a test running beside it.
 */
export function cliEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (!home) {
    const made = mkdtempSync(path.join(os.tmpdir(), 'po-home-'));
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    home = made;
  }
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    ...extra,
  };
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const [command, ...prefixArgs] = [...(options.prefix ?? []), process.execPath];
  const child = spawn(command, [...prefixArgs, BIN, ...args], {
    cwd: options.cwd,
    env: cliEnvironment(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  options.onStart?.(child);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
