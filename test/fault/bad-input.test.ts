/** Hostile files in a photo folder: refused with a reason, never decoded, and the run goes on. */

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { sceneJpeg } from '../helpers/images.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header claiming 30000 x 30000 pixels (900 MP), a few hundred bytes on disk. */
function decompressionBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(30_000, 0);
  header.writeUInt32BE(30_000, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(30_001 * 16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('bad input', () => {
  it('refuses a decompression bomb by its pixel count and finishes the run', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'bomb.png'), decompressionBomb());
    writeFileSync(path.join(dir, 'fine.jpg'), await sceneJpeg({ seed: 61 }));
    const result = await runCli(['organize', '-s', dir, '--json', '--save-hashes', path.join(tempDir(), 'h.db')], { prefix: ['/usr/bin/time', '-f', 'max-rss-kb=%M'] });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.skipped).toEqual([expect.objectContaining({ path: path.join(dir, 'bomb.png'), reason: expect.stringMatching(/pixel limit/) as unknown })]);
    expect(report.stats.hashed).toBe(1);
    const rssKb = Number(/max-rss-kb=(\d+)/.exec(result.stderr)?.[1]);
    expect(rssKb).toBeLessThan(400 * 1024);
  });
});
