/**
 * A command prefix under which a file's mode bits are obeyed, so "permission denied" can be tested
 * by whoever runs the suite. Root (and any process holding CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH)
 * reads a mode-000 file regardless: for those, the CLI runs as the same user with just those two
 * capabilities dropped. Switching to another user instead (e.g. `nobody`) would make the test depend
 * on where the checkout sits: that user cannot reach a clone under a 0700 folder such as root's home
 * or a `mktemp -d` directory.
 */

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DROP_FILE_OVERRIDES = ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--'];

let probed: string[] | undefined;

/** `[]` when the current process already obeys file modes; else the `setpriv` prefix, checked to work. */
export function honourFileModes(): string[] {
  probed ??= probe();
  return probed;
}

function probe(): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'po-modes-'));
  try {
    const locked = path.join(dir, 'locked');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0o000);
    const canRead = (prefix: string[]): boolean => {
      const [command, ...args] = [...prefix, process.execPath];
      return spawnSync(command ?? process.execPath, [...args, '-e', `require('node:fs').readFileSync(${JSON.stringify(locked)})`], { stdio: 'ignore' }).status === 0;
    };
    if (!canRead([])) return [];
    if (!canRead(DROP_FILE_OVERRIDES)) return DROP_FILE_OVERRIDES;
    throw new Error(
      'this user reads files whatever their mode, and `setpriv --bounding-set=-dac_override,-dac_read_search` ' +
        'could not drop that (no util-linux setpriv, or no CAP_SETPCAP): the permission tests cannot run here',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
