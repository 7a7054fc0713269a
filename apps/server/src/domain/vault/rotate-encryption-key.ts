import { addPrimaryKey, readKeyFile, removeKey, type Vault } from '@pag/vault';
import { sql } from 'drizzle-orm';
import { changedRows, type GatewayDatabase } from '../../db/open-database.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import { GatewayError } from '../gateway-error.ts';
import { listEncryptedValues } from './encrypted-columns.ts';
import { replaceRecordedKeyId } from './recorded-key-id.ts';

/** Re-encryption passes before giving up on values a running server keeps rewriting under the old key. */
const MAX_PASSES = 5;

/**
 * Rotates the master key without stopping the server: add a new primary key to the key file (a running server
 * encrypts with it from its next write on), re-encrypt every stored value under it, then remove the old keys.
 * Each value is swapped only if it is unchanged since it was read, so a refresh writing at the same moment is
 * never overwritten; the next pass picks up whatever such a write left under the old key.
 *
 * With `GATEWAY_ENCRYPTION_KEY` set, the env key is the primary and the key file only a source of older keys: the
 * rotation then moves every stored value under the env key (the way from the key file to an env key, which
 * startup refuses to take on its own: domain/vault/open-gateway-vault.ts) and leaves the key file as it is.
 */
export async function rotateEncryptionKey(options: {
  db: GatewayDatabase;
  vault: Vault;
  keyFilePath: string;
  isEnvKeySet: boolean;
}): Promise<{ newKeyId: string; reencrypted: number; removedKeyIds: string[] }> {
  if (options.isEnvKeySet) {
    const envKeyId = options.vault.primaryKeyId;
    const reencrypted = await reencryptEverythingUnder(options, envKeyId);
    await replaceRecordedKeyId(options.db, envKeyId, Date.now());
    return { newKeyId: envKeyId, reencrypted, removedKeyIds: [] };
  }
  const keyFile = addPrimaryKey(options.keyFilePath);
  const newKeyId = keyFile.primaryKeyId;
  const reencrypted = await reencryptEverythingUnder(options, newKeyId);
  await replaceRecordedKeyId(options.db, newKeyId, Date.now());
  const removedKeyIds: string[] = [];
  for (const entry of readKeyFile(options.keyFilePath).keys) {
    if (entry.id === newKeyId) continue;
    removeKey({ path: options.keyFilePath, keyId: entry.id });
    removedKeyIds.push(entry.id);
  }
  return { newKeyId, reencrypted, removedKeyIds };
}

/** Re-encrypts every stored value not yet under `keyId`; throws, keeping the old keys, if some are left over. */
async function reencryptEverythingUnder(
  options: { db: GatewayDatabase; vault: Vault },
  keyId: string,
): Promise<number> {
  let reencrypted = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const stale = (await listEncryptedValues(options.db)).filter(
      (value) => options.vault.keyIdOf(value.ciphertext) !== keyId,
    );
    if (stale.length === 0) break;
    reencrypted += await withTransaction(options.db, async (tx) => {
      let changedThisPass = 0;
      for (const value of stale) {
        const next = options.vault.reencrypt(value.ciphertext, { context: value.context });
        const column = sql.identifier(value.column);
        changedThisPass += changedRows(
          await tx.run(
            sql`update ${sql.identifier(value.table)} set ${column} = ${next} where ${sql.identifier(value.idColumn)} = ${value.id} and ${column} = ${value.ciphertext}`,
          ),
        );
      }
      return changedThisPass;
    });
  }
  const leftOver = (await listEncryptedValues(options.db)).filter(
    (value) => options.vault.keyIdOf(value.ciphertext) !== keyId,
  );
  if (leftOver.length > 0) {
    throw new GatewayError(
      'conflict',
      `${leftOver.length} values are still under an old key after ${MAX_PASSES} passes; the old key was kept. Run the rotation again.`,
    );
  }
  return reencrypted;
}
