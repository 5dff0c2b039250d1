/** Runs a Node entry point (argv[2]) with the rest of argv, and reports its peak RSS and CPU time on stderr at exit. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], path.resolve(entry), ...args];
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`peak-rss-kb=${usage.maxRSS} cpu-ms=${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)}\n`);
});
await import(pathToFileURL(path.resolve(entry)).href);
