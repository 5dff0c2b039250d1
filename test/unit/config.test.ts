import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { userConfigSchema, validateUserConfig } from '../../src/config/config-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/progress.js';
import { runCli } from '../helpers/run-cli.js';
import { useTempDirs } from '../helpers/temp-dir.js';

const tempDir = useTempDirs();
const repo = path.resolve(import.meta.dirname, '../..');

function collectingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, debug() {}, warn: (message) => warnings.push(message) };
}

describe('config.example.yaml', () => {
  const example = parse(readFileSync(path.join(repo, 'config.example.yaml'), 'utf8')) as Record<string, unknown>;

  it('is valid', () => {
    expect(validateUserConfig(example)).toHaveProperty('config');
  });

  it('shows every key the code reads', () => {
    const shape = userConfigSchema.shape;
    expect(Object.keys(example).sort()).toEqual(Object.keys(shape).sort());
    const immichShape = shape.immich.unwrap().shape;
    expect(Object.keys(example.immich as object).sort()).toEqual(Object.keys(immichShape).sort());
  });
});

describe('.envrc.example', () => {
  it('names only variables the code reads, and every IMMICH_ variable it reads', () => {
    const named = [...readFileSync(path.join(repo, '.envrc.example'), 'utf8').matchAll(/^export (\w+)=/gm)].map((m) => m[1]);
    const sources = readFileSync(path.join(repo, 'src/config/environment.ts'), 'utf8');
    const read = new Set([...sources.matchAll(/'(IMMICH_\w+|PHOTO_ORGANIZER_\w+)'/g)].map((m) => m[1]));
    for (const name of named) expect(read.has(name)).toBe(true);
    for (const name of read) if (name !== 'IMMICH_INSTANCE_URL') expect(named).toContain(name);
  });
});

describe('loadConfig', () => {
  it('reports every problem with its key path and the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'config.yaml');
    writeFileSync(file, 'threshold: "x"\nimmich:\n  url: 12\n  colour: blue\nfoo: 1\n');
    const error = await loadConfig(file, collectingLogger()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(file);
    expect(message).toMatch(/threshold: /);
    expect(message).toMatch(/immich\.url: /);
    expect(message).toMatch(/immich\.colour: unknown key/);
    expect(message).toMatch(/foo: unknown key/);
  });

  it('warns when a file holding an API key can be read by others, and expands ~', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'config.yaml');
    writeFileSync(file, 'hash_db: "~/h.db"\nimmich:\n  api_key: "secret-key-123"\n');
    chmodSync(file, 0o644);
    const logger = collectingLogger();
    const { config } = await loadConfig(file, logger);
    expect(config.hash_db).not.toMatch(/^~/);
    expect(logger.warnings.join('\n')).toMatch(/can be read by other users; run: chmod 600/);
    expect(logger.warnings.join('\n')).not.toContain('secret-key-123');
    chmodSync(file, 0o600);
    const quiet = collectingLogger();
    await loadConfig(file, quiet);
    expect(quiet.warnings).toEqual([]);
  });

  it('makes the CLI exit 2 with one message naming the key and the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'threshold: 99\n');
    const result = await runCli(['organize', '-s', dir, '--config', file, '--save-hashes', path.join(dir, 'h.db')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`invalid config in ${file}`);
    expect(result.stderr).toMatch(/threshold: Number must be less than or equal to 32/);
  });

  it('applies the file under flags: --threshold beats threshold in the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'c.yaml');
    writeFileSync(file, 'threshold: 3\n');
    const fromFile = await runCli(['organize', '-s', dir, '--json', '--config', file, '--save-hashes', path.join(dir, 'h.db')]);
    expect((JSON.parse(fromFile.stdout) as { settings: { threshold: number } }).settings.threshold).toBe(3);
    const fromFlag = await runCli(['organize', '-s', dir, '--json', '--config', file, '--threshold', '5', '--save-hashes', path.join(dir, 'h.db')]);
    expect((JSON.parse(fromFlag.stdout) as { settings: { threshold: number } }).settings.threshold).toBe(5);
  });
});
