import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addPrimaryKey } from './add-primary-key.ts';
import { deriveKeyId } from './derive-key-id.ts';
import { KeyringSource } from './keyring-source.ts';
import { loadOrCreateKeyFile } from './load-or-create-key-file.ts';
import { Vault } from './vault.ts';

const ENV_KEY = Buffer.alloc(32, 0xe7);

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('KeyringSource', () => {
  let directory: string;
  let path: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'pag-vault-'));
    path = join(directory, 'keys.json');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('should create the key file on construction and return the same keyring until the file changes', () => {
    const source = new KeyringSource({ envKey: null, keyFilePath: path });
    const first = source.keyring;

    expect(source.reloadIfChanged()).toBe(first);
    expect(source.reloadIfChanged()).toBe(first);

    const added = addPrimaryKey(path);
    expect(source.reloadIfChanged().primaryKeyId).toBe(added.primaryKeyId);
    expect(source.keyring.keys.size).toBe(2);
  });

  it('should reload unconditionally on reload()', () => {
    const source = new KeyringSource({ envKey: null, keyFilePath: path });
    const first = source.keyring;

    expect(source.reload()).not.toBe(first);
    expect(source.reload()).toEqual(first);
  });

  it('should keep the last good keyring and throw when the file is deleted, never creating a new key', () => {
    const source = new KeyringSource({ envKey: null, keyFilePath: path });
    const before = source.keyring;
    rmSync(path);

    expect(catchError(() => source.reload())).toMatchObject({ name: 'KeyFileError', code: 'not_found', path });
    expect(catchError(() => new Vault(source).encrypt('x', { context: 'c' }))).toMatchObject({ code: 'not_found' });
    expect(source.keyring).toBe(before);
  });

  it('should keep the last good keyring and throw when the file becomes insecure or malformed', () => {
    const source = new KeyringSource({ envKey: null, keyFilePath: path });
    const before = source.keyring;

    chmodSync(path, 0o644);
    expect(catchError(() => source.reloadIfChanged())).toMatchObject({ code: 'insecure_permissions' });
    writeFileSync(path, '{', { mode: 0o600 });
    chmodSync(path, 0o600);
    expect(catchError(() => source.reloadIfChanged())).toMatchObject({ code: 'malformed' });
    expect(source.keyring).toBe(before);
  });

  it('should keep the env key primary while following the key file', () => {
    const source = new KeyringSource({ envKey: ENV_KEY, keyFilePath: path });
    expect([...source.keyring.keys.keys()]).toEqual([deriveKeyId(ENV_KEY)]);

    const fileKeyId = loadOrCreateKeyFile(path).primaryKeyId;
    const vault = new Vault(source);

    expect(vault.primaryKeyId).toBe(deriveKeyId(ENV_KEY));
    expect([...source.keyring.keys.keys()]).toEqual([deriveKeyId(ENV_KEY), fileKeyId]);

    rmSync(path);
    expect([...source.reloadIfChanged().keys.keys()]).toEqual([deriveKeyId(ENV_KEY)]);
  });
});
