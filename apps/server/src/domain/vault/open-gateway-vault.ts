import { existsSync } from 'node:fs';
import { KeyringSource, Vault } from '@pag/vault';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { listEncryptedValues } from './encrypted-columns.ts';

/** The stored tokens cannot be decrypted with the configured key: stop rather than hand out garbage. */
export class VaultKeyMismatchError extends Error {
  override name = 'VaultKeyMismatchError';
}

/**
 * Opens the vault the gateway runs with (key from `GATEWAY_ENCRYPTION_KEY`, else the key file, created on first
 * start) and checks, before anything runs, that every stored ciphertext is under a key it has. A wrong env key or a
 * lost key file is thus a clear startup error naming what to restore, never a stream of decryption failures later.
 */
export function openGatewayVault(options: { db: GatewayDatabase; envKey: Buffer | null; keyFilePath: string }): Vault {
  const values = listEncryptedValues(options.db.$client);
  if (options.envKey == null && values.length > 0 && !existsSync(options.keyFilePath)) {
    throw new VaultKeyMismatchError(
      `The encryption key file ${options.keyFilePath} is missing, but the database holds ${values.length} encrypted ` +
        'tokens. Restore the key file from your backup (or set GATEWAY_ENCRYPTION_KEY to the key that was used); ' +
        'without it the stored sign-ins cannot be read.',
    );
  }
  const source = new KeyringSource({ envKey: options.envKey, keyFilePath: options.keyFilePath });
  const vault = new Vault(source);
  const known = new Set(source.keyring.keys.keys());
  const missing = new Set<string>();
  for (const value of values) {
    let keyId: string;
    try {
      keyId = vault.keyIdOf(value.ciphertext);
    } catch {
      missing.add('(unreadable ciphertext)');
      continue;
    }
    if (!known.has(keyId)) missing.add(keyId);
  }
  if (missing.size > 0) {
    throw new VaultKeyMismatchError(
      `The stored tokens were encrypted with key id ${[...missing].join(', ')}, which the configured key ` +
        `(${options.envKey == null ? `key file ${options.keyFilePath}` : 'GATEWAY_ENCRYPTION_KEY'}) does not have. ` +
        'Set the key that was used before, or restore the key file from your backup.',
    );
  }
  return vault;
}
