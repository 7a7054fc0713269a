import { existsSync } from 'node:fs';
import { deriveKeyId, KeyringSource, Vault } from '@pag/vault';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { type EncryptedValue, listEncryptedValues } from './encrypted-columns.ts';
import { recordKeyIdOnce, replaceRecordedKeyId } from './recorded-key-id.ts';

/** The stored tokens cannot be decrypted with the configured key: stop rather than hand out garbage. */
export class VaultKeyMismatchError extends Error {
  override name = 'VaultKeyMismatchError';
}

/** Stands for ciphertexts whose key id cannot even be read. */
const UNREADABLE = '(unreadable ciphertext)';

/**
 * Opens the vault the gateway runs with (key from `GATEWAY_ENCRYPTION_KEY`, else the key file, created on first
 * start) and checks, before anything runs and before anything is written, that it can read what is stored:
 * - every stored ciphertext names a key the keyring has, and one ciphertext per key id decrypts with it;
 * - with `GATEWAY_ENCRYPTION_KEY` set, everything stored is already under that key. Otherwise the env key would
 *   become the primary key and new tokens would be written under it next to old ones under the key file's keys: a
 *   wrong env key (failure 4 of issue 16) would then lock the next start out of those new tokens. Changing keys is
 *   what `gateway vault rotate-key` does; only it opens the vault with `isKeyChangeAllowed`.
 * A wrong env key or a lost key file is thus a clear startup error naming the key ids found and expected, never a
 * stream of decryption failures later.
 */
export async function openGatewayVault(options: {
  db: GatewayDatabase;
  envKey: Buffer | null;
  keyFilePath: string;
  /** Only for `vault rotate-key`: stored values may be under another key than the primary, it moves them. */
  isKeyChangeAllowed?: boolean;
}): Promise<Vault> {
  const values = await listEncryptedValues(options.db);
  if (options.envKey == null && values.length > 0 && !existsSync(options.keyFilePath)) {
    throw new VaultKeyMismatchError(
      `The encryption key file ${options.keyFilePath} is missing, but the database holds ${values.length} encrypted ` +
        'tokens. Restore the key file from your backup (or set GATEWAY_ENCRYPTION_KEY to the key that was used); ' +
        'without it the stored sign-ins cannot be read.',
    );
  }
  const source = new KeyringSource({ envKey: options.envKey, keyFilePath: options.keyFilePath });
  const vault = new Vault(source);
  const configured =
    options.envKey == null
      ? `the key file ${options.keyFilePath} (key id ${[...source.keyring.keys.keys()].join(', ')})`
      : `GATEWAY_ENCRYPTION_KEY (key id ${deriveKeyId(options.envKey)})`;
  const byKeyId = groupByKeyId(vault, values);
  const found = [...byKeyId.keys()];
  const foundText = found.map((keyId) => `${keyId} (${byKeyId.get(keyId)?.length} values)`).join(', ');

  const unknown = found.filter((keyId) => !source.keyring.keys.has(keyId));
  if (unknown.length > 0) {
    throw new VaultKeyMismatchError(
      `The stored tokens were encrypted with key id ${unknown.join(', ')}, which the configured key ` +
        `(${configured}) does not have; stored: ${foundText}. Set the key that was used before, or restore the key ` +
        'file from your backup.',
    );
  }
  if (options.envKey != null && options.isKeyChangeAllowed !== true) {
    const envKeyId = deriveKeyId(options.envKey);
    const others = found.filter((keyId) => keyId !== envKeyId);
    if (others.length > 0) {
      throw new VaultKeyMismatchError(
        `GATEWAY_ENCRYPTION_KEY is key id ${envKeyId}, but the stored tokens are under key id ` +
          `${others.join(', ')} (from the key file ${options.keyFilePath}); stored: ${foundText}. Starting would make ` +
          `${envKeyId} the primary key and encrypt new tokens under it. If GATEWAY_ENCRYPTION_KEY is not the key you ` +
          'meant, set the right one or unset it to use the key file; to move every stored token to this key, run ' +
          '`gateway vault rotate-key` with it set. Nothing was changed.',
      );
    }
  }
  if (options.isKeyChangeAllowed !== true) {
    // Another replica's key, caught even while nothing is stored yet: with GATEWAY_ENCRYPTION_KEY it must be the
    // recorded key itself; a key file must at least still hold it (`vault rotate-key` records its new key).
    const primaryKeyId = source.keyring.primaryKeyId;
    const recorded = await recordKeyIdOnce(options.db, primaryKeyId, Date.now());
    const isAccepted = options.envKey != null ? recorded === primaryKeyId : source.keyring.keys.has(recorded);
    // One SQLite process with nothing encrypted yet loses nothing by a new key (a key file deleted before the
    // first sign-in): it records the new one. On PostgreSQL, other replicas may be running with the recorded key.
    if (!isAccepted && values.length === 0 && options.db.$dialect === 'sqlite') {
      await replaceRecordedKeyId(options.db, primaryKeyId, Date.now());
    } else if (!isAccepted) {
      throw new VaultKeyMismatchError(
        `This database's secrets are encrypted under key id ${recorded}, recorded by the first gateway that used it, ` +
          `but this gateway runs with ${configured}. Every gateway on one database must run with the same ` +
          'GATEWAY_ENCRYPTION_KEY: set the key the other replicas use. Nothing was changed.',
      );
    }
  }
  for (const [keyId, sample] of byKeyId) {
    const value = sample[0];
    if (value == null) continue;
    try {
      vault.decrypt(value.ciphertext, { context: value.context });
    } catch {
      throw new VaultKeyMismatchError(
        `A stored ${value.table}.${value.column} under key id ${keyId} does not decrypt with the configured key ` +
          `(${configured}): the key bytes for that id are wrong or the database was altered. Restore the key and ` +
          'the database from the same backup. Nothing was changed.',
      );
    }
  }
  return vault;
}

/** The stored values by the key id they name, in the order first seen. */
function groupByKeyId(vault: Vault, values: EncryptedValue[]): Map<string, EncryptedValue[]> {
  const byKeyId = new Map<string, EncryptedValue[]>();
  for (const value of values) {
    let keyId: string;
    try {
      keyId = vault.keyIdOf(value.ciphertext);
    } catch {
      keyId = UNREADABLE;
    }
    const group = byKeyId.get(keyId);
    if (group == null) byKeyId.set(keyId, [value]);
    else group.push(value);
  }
  return byKeyId;
}
