import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addPrimaryKey } from './add-primary-key.ts';
import { KeyringSource } from './keyring-source.ts';
import { loadKeyring } from './load-keyring.ts';
import { loadOrCreateKeyFile } from './load-or-create-key-file.ts';
import { readKeyFile } from './read-key-file.ts';
import { removeKey } from './remove-key.ts';
import { Vault } from './vault.ts';

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Stands in for the database: context → ciphertext. */
type Rows = Map<string, string>;

function seedRows(vault: Vault): Rows {
  const rows: Rows = new Map();
  for (const id of [1, 2, 3]) {
    rows.set(
      `connections:${id}:access_token`,
      vault.encrypt(`access-${id}`, { context: `connections:${id}:access_token` }),
    );
    rows.set(
      `connections:${id}:refresh_token`,
      vault.encrypt(`refresh-${id}`, { context: `connections:${id}:refresh_token` }),
    );
  }
  return rows;
}

function expectRowsReadable(vault: Vault, rows: Rows): void {
  for (const [context, ciphertext] of rows) {
    const [, id, column] = context.split(':');
    const expected = `${column === 'access_token' ? 'access' : 'refresh'}-${id}`;
    expect(vault.decrypt(ciphertext, { context })).toBe(expected);
  }
}

describe('key rotation', () => {
  let directory: string;
  let path: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'pag-vault-'));
    path = join(directory, 'keys.json');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('should re-encrypt everything under a new key so a fresh vault needs only the new key', () => {
    const original = loadOrCreateKeyFile(path);
    const oldKeyId = original.primaryKeyId;
    const rows = seedRows(new Vault(loadKeyring({ envKey: null, keyFilePath: path })));

    const added = addPrimaryKey(path);
    const newKeyId = added.primaryKeyId;
    expect(newKeyId).not.toBe(oldKeyId);
    expect(added.keys.map((entry) => entry.id)).toEqual([oldKeyId, newKeyId]);

    // What the CLI does: a vault on the updated file re-encrypts each row not yet under the primary key.
    const cli = new Vault(loadKeyring({ envKey: null, keyFilePath: path, shouldCreateKeyFile: false }));
    for (const [context, ciphertext] of rows) {
      if (!cli.isUnderPrimaryKey(ciphertext)) rows.set(context, cli.reencrypt(ciphertext, { context }));
    }
    expect([...rows.values()].every((ciphertext) => cli.keyIdOf(ciphertext) === newKeyId)).toBe(true);

    const afterRemoval = removeKey({ path, keyId: oldKeyId });
    expect(afterRemoval).toEqual({ version: 1, primaryKeyId: newKeyId, keys: [added.keys[1]] });
    expect(readKeyFile(path)).toEqual(afterRemoval);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(directory)).toEqual(['keys.json']);

    expectRowsReadable(new Vault(loadKeyring({ envKey: null, keyFilePath: path })), rows);
  });

  it('should let a vault created before the rotation follow it without a restart', () => {
    const server = new Vault(new KeyringSource({ envKey: null, keyFilePath: path }));
    const rows = seedRows(server);
    const oldKeyId = server.primaryKeyId;

    const newKeyId = addPrimaryKey(path).primaryKeyId;
    // The server's next write notices the changed file and already uses the new key.
    const written = server.encrypt('written during rotation', { context: 'connections:9:access_token' });
    expect(server.keyIdOf(written)).toBe(newKeyId);

    const cli = new Vault(loadKeyring({ envKey: null, keyFilePath: path, shouldCreateKeyFile: false }));
    for (const [context, ciphertext] of rows) rows.set(context, cli.reencrypt(ciphertext, { context }));
    removeKey({ path, keyId: oldKeyId });

    expectRowsReadable(server, rows);
    expect(server.decrypt(written, { context: 'connections:9:access_token' })).toBe('written during rotation');
  });

  it('should let a running vault that has not written since the rotation decrypt by reloading on the unknown id', () => {
    const source = new KeyringSource({ envKey: null, keyFilePath: path });
    const server = new Vault(source);
    const rows = seedRows(server);
    const oldKeyId = source.keyring.primaryKeyId;

    addPrimaryKey(path);
    const cli = new Vault(loadKeyring({ envKey: null, keyFilePath: path, shouldCreateKeyFile: false }));
    for (const [context, ciphertext] of rows) rows.set(context, cli.reencrypt(ciphertext, { context }));
    removeKey({ path, keyId: oldKeyId });

    expect(source.keyring.primaryKeyId).toBe(oldKeyId);
    expectRowsReadable(server, rows);
    expect(source.keyring.keys.has(oldKeyId)).toBe(false);
  });

  it('should leave a value that was never re-encrypted unreadable by a vault loaded after the removal', () => {
    const before = new Vault(new KeyringSource({ envKey: null, keyFilePath: path }));
    const oldKeyId = before.primaryKeyId;
    const stale = before.encrypt('never re-encrypted', { context: 'connections:1:access_token' });
    addPrimaryKey(path);
    removeKey({ path, keyId: oldKeyId });
    const after = new Vault(new KeyringSource({ envKey: null, keyFilePath: path }));

    expect(catchError(() => after.decrypt(stale, { context: 'connections:1:access_token' }))).toMatchObject({
      code: 'unknown_key',
      keyId: oldKeyId,
      message: expect.stringContaining(`encrypted under key "${oldKeyId}"`),
    });
  });

  describe('removeKey', () => {
    it.each([
      [
        'the primary key',
        (primaryKeyId: string) => primaryKeyId,
        'cannot_remove_primary',
        (primaryKeyId: string) =>
          `Key "${primaryKeyId}" is the primary key of ${path}; add a new primary key before removing it`,
      ],
      ['an unknown key', () => 'k0000000000', 'key_not_found', () => `Key file ${path} has no key "k0000000000"`],
    ])('should refuse to remove %s and leave the file unchanged', (_name, pickKeyId, code, buildMessage) => {
      const before = loadOrCreateKeyFile(path);
      const error = catchError(() => removeKey({ path, keyId: pickKeyId(before.primaryKeyId) }));

      expect(error).toMatchObject({ name: 'KeyFileError', code, path, message: buildMessage(before.primaryKeyId) });
      expect(readKeyFile(path)).toEqual(before);
    });

    it('should throw a coded TypeError for an empty key id', () => {
      loadOrCreateKeyFile(path);

      expect(catchError(() => removeKey({ path, keyId: '' }))).toMatchObject({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: '"keyId" must be a non-empty string',
      });
    });
  });

  describe('addPrimaryKey', () => {
    it('should refuse to create a missing key file', () => {
      expect(catchError(() => addPrimaryKey(path))).toMatchObject({ code: 'not_found', path });
      expect(readdirSync(directory)).toEqual([]);
    });

    it('should refuse an insecure key file', async () => {
      loadOrCreateKeyFile(path);
      const { chmodSync } = await import('node:fs');
      chmodSync(path, 0o644);

      expect(catchError(() => addPrimaryKey(path))).toMatchObject({ code: 'insecure_permissions', path });
    });

    it('should build on the file as it is on disk, not on an earlier read', () => {
      loadOrCreateKeyFile(path);
      addPrimaryKey(path);
      const third = addPrimaryKey(path);

      expect(third.keys).toHaveLength(3);
      expect(readKeyFile(path)).toEqual(third);
    });
  });
});
