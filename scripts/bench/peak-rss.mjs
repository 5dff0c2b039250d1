/**
 * Runs a Node entry point (argv[2]) with the rest of argv, and reports its peak RSS and CPU time on
 * stderr at exit. Also a module: `peakRssKb()` for the benchmarks' own child processes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * This process's peak resident set, in KB. On Linux the kernel's high-water mark of this process's
 * own memory (VmHWM): getrusage's maxrss also counts the parent's RSS at the moment it spawned us
 * (Linux carries it over through exec), so a child of a large parent — the fake Immich server
 * holding 20,000 thumbnails — showed the parent's size, not its own.
 */
export function peakRssKb() {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: getrusage is all there is.
  }
  return process.resourceUsage().maxRSS;
}

const self = path.resolve(new URL(import.meta.url).pathname);
if (process.argv[1] && path.resolve(process.argv[1]) === self) {
  const [entry, ...args] = process.argv.slice(2);
  process.argv = [process.argv[0], path.resolve(entry), ...args];
  process.on('exit', () => {
    const usage = process.resourceUsage();
    process.stderr.write(`peak-rss-kb=${peakRssKb()} cpu-ms=${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)}\n`);
  });
  await import(pathToFileURL(path.resolve(entry)).href);
}
