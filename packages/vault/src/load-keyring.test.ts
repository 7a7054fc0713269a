import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveKeyId } from './derive-key-id.ts';
import { loadKeyring } from './load-keyring.ts';
import { loadOrCreateKeyFile } from './load-or-create-key-file.ts';
import { Vault } from './vault.ts';

const ENV_KEY = Buffer.alloc(32, 0xe7);
const CONTEXT = { context: 'connections:1:refresh_token' };

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('loadKeyring', () => {
  let directory: string;
  let path: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'pag-vault-'));
    path = join(directory, 'keys.json');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('should use only the env key, under its derived id, and create no key file', () => {
    const keyring = loadKeyring({ envKey: ENV_KEY, keyFilePath: path });

    expect(keyring.primaryKeyId).toBe(deriveKeyId(ENV_KEY));
    expect([...keyring.keys]).toEqual([[deriveKeyId(ENV_KEY), ENV_KEY]]);
    expect(existsSync(path)).toBe(false);
  });

  it('should give the same env key the same id on every load, so its ciphertexts stay readable', () => {
    const first = new Vault(loadKeyring({ envKey: ENV_KEY, keyFilePath: path }));
    const ciphertext = first.encrypt('secret', CONTEXT);
    const second = new Vault(loadKeyring({ envKey: Buffer.from(ENV_KEY), keyFilePath: join(directory, 'other.json') }));

    expect(second.decrypt(ciphertext, CONTEXT)).toBe('secret');
  });

  it('should keep key file keys readable after moving to an env key', () => {
    const fromFile = new Vault(loadKeyring({ envKey: null, keyFilePath: path }));
    const oldCiphertext = fromFile.encrypt('from the file era', CONTEXT);

    const withEnv = new Vault(loadKeyring({ envKey: ENV_KEY, keyFilePath: path }));

    expect(withEnv.primaryKeyId).toBe(deriveKeyId(ENV_KEY));
    expect(withEnv.decrypt(oldCiphertext, CONTEXT)).toBe('from the file era');
    expect(withEnv.isUnderPrimaryKey(withEnv.reencrypt(oldCiphertext, CONTEXT))).toBe(true);
  });

  it('should keep the env key primary when the key file holds the same key', () => {
    const keyFile = loadOrCreateKeyFile(path);
    const fileKey = keyFile.keys[0]?.key as Buffer;
    const keyring = loadKeyring({ envKey: Buffer.from(fileKey), keyFilePath: path });

    expect(keyring.primaryKeyId).toBe(keyFile.primaryKeyId);
    expect(keyring.keys.size).toBe(1);
  });

  it('should create the key file when there is no env key', () => {
    const keyring = loadKeyring({ envKey: null, keyFilePath: path });

    expect(existsSync(path)).toBe(true);
    expect(keyring.primaryKeyId).toBe(loadOrCreateKeyFile(path).primaryKeyId);
  });

  it.each([
    ['env key and an insecure key file', ENV_KEY, 'insecure_permissions'],
    ['no env key and an insecure key file', null, 'insecure_permissions'],
  ])('should refuse %s', (_name, envKey, code) => {
    loadOrCreateKeyFile(path);
    chmodSync(path, 0o644);

    expect(catchError(() => loadKeyring({ envKey, keyFilePath: path }))).toMatchObject({ name: 'KeyFileError', code });
  });

  it('should report a malformed key file even with an env key', () => {
    writeFileSync(path, 'not json', { mode: 0o600 });

    expect(catchError(() => loadKeyring({ envKey: ENV_KEY, keyFilePath: path }))).toMatchObject({ code: 'malformed' });
  });

  it('should not create the key file when told not to', () => {
    expect(
      catchError(() => loadKeyring({ envKey: null, keyFilePath: path, shouldCreateKeyFile: false })),
    ).toMatchObject({
      code: 'not_found',
    });
    expect(existsSync(path)).toBe(false);
  });

  it.each([
    ['a 16-byte env key', Buffer.alloc(16), 'ERR_INVALID_ARG_VALUE', '"envKey" must be 32 bytes'],
    ['a string env key', 'a'.repeat(32), 'ERR_INVALID_ARG_TYPE', '"envKey" must be a Buffer or null'],
  ])('should throw a coded TypeError for %s', (_name, envKey, code, message) => {
    expect(catchError(() => loadKeyring({ envKey: envKey as Buffer, keyFilePath: path }))).toMatchObject({
      name: 'TypeError',
      code,
      message,
    });
  });
});
