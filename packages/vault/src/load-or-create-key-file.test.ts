import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveKeyId } from './derive-key-id.ts';
import { loadOrCreateKeyFile } from './load-or-create-key-file.ts';
import { readKeyFile } from './read-key-file.ts';
import { writeKeyFile } from './write-key-file.ts';

const execute = promisify(execFile);

describe('loadOrCreateKeyFile', () => {
  let directory: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'pag-vault-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('should create the file with one key, mode 0600, in a new 0700 directory', () => {
    const path = join(directory, 'data', 'nested', 'keys.json');
    const keyFile = loadOrCreateKeyFile(path);

    expect(keyFile.keys).toHaveLength(1);
    expect(keyFile.primaryKeyId).toBe(keyFile.keys[0]?.id);
    expect(keyFile.keys[0]?.key).toHaveLength(32);
    expect(deriveKeyId(keyFile.keys[0]?.key as Buffer)).toBe(keyFile.primaryKeyId);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(directory, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(join(directory, 'data', 'nested')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(directory, 'data', 'nested'))).toEqual(['keys.json']);
  });

  it('should write the documented JSON shape', () => {
    const path = join(directory, 'keys.json');
    const keyFile = loadOrCreateKeyFile(path);
    const json = JSON.parse(readFileSync(path, 'utf8'));

    expect(json).toEqual({
      version: 1,
      primaryKeyId: keyFile.primaryKeyId,
      keys: [{ id: keyFile.primaryKeyId, key: keyFile.keys[0]?.key.toString('base64'), createdAt: expect.any(String) }],
    });
    expect(new Date(json.keys[0].createdAt).toISOString()).toBe(json.keys[0].createdAt);
  });

  it('should return the existing file unchanged on later calls', () => {
    const path = join(directory, 'keys.json');
    const first = loadOrCreateKeyFile(path);
    const text = readFileSync(path, 'utf8');

    expect(loadOrCreateKeyFile(path)).toEqual(first);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('should refuse an existing 0644 file without changing its mode', () => {
    const path = join(directory, 'keys.json');
    loadOrCreateKeyFile(path);
    chmodSync(path, 0o644);

    expect(() => loadOrCreateKeyFile(path)).toThrow(
      expect.objectContaining({ code: 'insecure_permissions', message: expect.stringContaining(`chmod 600 ${path}`) }),
    );
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });

  it('should report a malformed file rather than replace it', () => {
    const path = join(directory, 'keys.json');
    writeFileSync(path, '{"version":1', { mode: 0o600 });

    expect(() => loadOrCreateKeyFile(path)).toThrow(
      expect.objectContaining({ code: 'malformed', message: expect.stringContaining(`Key file ${path} is malformed`) }),
    );
    expect(readFileSync(path, 'utf8')).toBe('{"version":1');
  });

  it('should leave a file that appeared first in place and clean up its temporary file', () => {
    const path = join(directory, 'keys.json');
    const existing = loadOrCreateKeyFile(path);
    const text = readFileSync(path, 'utf8');
    const loser = { ...existing, primaryKeyId: 'kother', keys: [] };

    expect(writeKeyFile({ path, keyFile: loser, mode: 'create' })).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(directory)).toEqual(['keys.json']);
  });

  it('should end with one key that every process sees when processes start at once', async () => {
    const moduleUrl = new URL('./load-or-create-key-file.ts', import.meta.url).href;
    // Each child spins until a shared start time, so both reach the "missing file" branch together.
    const script = `
      const { loadOrCreateKeyFile } = await import(${JSON.stringify(moduleUrl)});
      const [startAt, path] = process.argv.slice(1);
      while (Date.now() < Number(startAt)) {}
      const keyFile = loadOrCreateKeyFile(path);
      process.stdout.write(JSON.stringify({ primaryKeyId: keyFile.primaryKeyId, count: keyFile.keys.length }));
    `;
    const paths = [1, 2, 3].map((round) => join(directory, `round-${round}`, 'keys.json'));
    const startAt = Date.now() + 2_500;
    const runs = paths.flatMap((path) =>
      [1, 2].map(() =>
        execute(process.execPath, ['--input-type=module', '-e', script, String(startAt), path], {
          timeout: 20_000,
        }),
      ),
    );
    const outputs = (await Promise.all(runs)).map((result) => JSON.parse(result.stdout));

    for (const [index, path] of paths.entries()) {
      const onDisk = readKeyFile(path);
      const seen = outputs.slice(index * 2, index * 2 + 2);

      expect(onDisk.keys).toHaveLength(1);
      expect(seen).toEqual([
        { primaryKeyId: onDisk.primaryKeyId, count: 1 },
        { primaryKeyId: onDisk.primaryKeyId, count: 1 },
      ]);
      expect(readdirSync(join(path, '..'))).toEqual(['keys.json']);
    }
  }, 30_000);
});
