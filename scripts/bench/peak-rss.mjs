/** Runs a Node entry point (argv[2]) with the rest of argv, and reports its peak RSS on stderr at exit. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], path.resolve(entry), ...args];
process.on('exit', () => process.stderr.write(`peak-rss-kb=${process.resourceUsage().maxRSS}\n`));
await import(pathToFileURL(path.resolve(entry)).href);
