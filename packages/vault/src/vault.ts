import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CodedTypeError } from './coded-type-error.ts';
import type { Keyring, ReloadableKeyring } from './keyring.ts';
import { assertKeyring } from './keyring.ts';
import { CIPHERTEXT_VERSION, IV_LENGTH_BYTES, parseCiphertext, TAG_LENGTH_BYTES } from './parse-ciphertext.ts';
import { TokenDecryptionError } from './token-decryption-error.ts';

export type VaultOperationOptions = {
  /**
   * Where the value is stored, such as `connections:<rowId>:refresh_token`. It is authenticated with the ciphertext,
   * so a ciphertext copied into another row or column fails to decrypt. Not secret, and not stored.
   */
  context: string;
};

/** Matches only unpaired surrogates, which UTF-8 cannot encode and would silently turn into U+FFFD. */
const LONE_SURROGATE_PATTERN = /\p{Cs}/u;

function assertText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: `"${name}" must be a string` });
  }
  if (LONE_SURROGATE_PATTERN.test(value)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"${name}" must be well-formed Unicode` });
  }
}

function assertOptions(options: VaultOperationOptions): string {
  if (options == null || typeof options !== 'object') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"options" must be an object' });
  }
  assertText(options.context, 'context');
  if (options.context === '') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"context" must not be empty' });
  }
  return options.context;
}

function isReloadable(input: Keyring | ReloadableKeyring): input is ReloadableKeyring {
  return typeof (input as Partial<ReloadableKeyring>).reload === 'function';
}

/**
 * Binds the format version, key id and context into the GCM tag. Version and key id cannot contain a dot and come
 * first, so the encoding is unambiguous whatever the context holds.
 */
function buildAdditionalData(options: { keyId: string; context: string }): Buffer {
  return Buffer.from(`${CIPHERTEXT_VERSION}.${options.keyId}.${options.context}`, 'utf8');
}

/**
 * Encrypts tokens for storage with AES-256-GCM under a keyring's primary key, and decrypts them under whichever key
 * their id names. Ciphertexts are `pag1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts, 12-byte random IV,
 * 16-byte tag). Built on a `ReloadableKeyring` (`KeyringSource`), it follows key rotation without a restart.
 *
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf (GCM, NIST SP 800-38D)
 */
export class Vault {
  readonly #source: ReloadableKeyring | undefined;
  readonly #fixedKeyring: Keyring | undefined;
  /** Keyrings already checked by `assertKeyring`, so a reloaded one is checked once rather than per call. */
  readonly #checked = new WeakSet<Keyring>();

  constructor(keyring: Keyring | ReloadableKeyring) {
    if (keyring == null || typeof keyring !== 'object') {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"keyring" must be an object' });
    }
    if (isReloadable(keyring)) {
      this.#source = keyring;
      this.#check(keyring.keyring);
    } else {
      assertKeyring(keyring);
      // Copy the map so later changes by the caller cannot swap keys under us.
      this.#fixedKeyring = { primaryKeyId: keyring.primaryKeyId, keys: new Map(keyring.keys) };
    }
  }

  /** Id of the key `encrypt` uses now. */
  get primaryKeyId(): string {
    return this.#keyringForEncryption().primaryKeyId;
  }

  /**
   * Encrypts `plaintext` under the current primary key with a fresh random IV.
   *
   * Random 96-bit IVs keep the chance of a repeat negligible up to 2^32 encryptions per key, far beyond what token
   * storage does between rotations.
   *
   * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf (§8.2.2, §8.3)
   */
  encrypt(plaintext: string, options: VaultOperationOptions): string {
    assertText(plaintext, 'plaintext');
    const context = assertOptions(options);
    const keyring = this.#keyringForEncryption();
    const keyId = keyring.primaryKeyId;
    const key = keyring.keys.get(keyId) as Buffer;
    const iv = randomBytes(IV_LENGTH_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH_BYTES });
    cipher.setAAD(buildAdditionalData({ keyId, context }));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [CIPHERTEXT_VERSION, keyId, iv, ciphertext, tag]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /**
   * Decrypts a value made by `encrypt` with the same `context`. Throws `TokenDecryptionError`: `malformed`,
   * `unknown_key` (after one reload, when built on a `ReloadableKeyring`) or `authentication_failed`. It never
   * returns unauthenticated plaintext.
   *
   * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf (§7.2, authenticated decryption)
   */
  decrypt(ciphertext: string, options: VaultOperationOptions): string {
    if (typeof ciphertext !== 'string') {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"ciphertext" must be a string' });
    }
    const context = assertOptions(options);
    const parsed = parseCiphertext(ciphertext);
    const key = this.#findKey(parsed.keyId);
    const decipher = createDecipheriv('aes-256-gcm', key, parsed.iv, { authTagLength: TAG_LENGTH_BYTES });
    decipher.setAAD(buildAdditionalData({ keyId: parsed.keyId, context }));
    decipher.setAuthTag(parsed.tag);
    try {
      return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new TokenDecryptionError({
        code: 'authentication_failed',
        keyId: parsed.keyId,
        message:
          `Stored token under key "${parsed.keyId}" failed authentication for context "${context}": it was ` +
          'modified, copied from another field, or the key bytes for that id are wrong',
        cause: error,
      });
    }
  }

  /**
   * Decrypts under whichever key the value names and encrypts again under the current primary key (with a new IV,
   * even if the key is unchanged). Used by key rotation; skip values for which `isUnderPrimaryKey` already holds.
   */
  reencrypt(ciphertext: string, options: VaultOperationOptions): string {
    return this.encrypt(this.decrypt(ciphertext, options), options);
  }

  /** The key id a ciphertext names, without decrypting it. Throws `TokenDecryptionError` `malformed`. */
  keyIdOf(ciphertext: string): string {
    if (typeof ciphertext !== 'string') {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"ciphertext" must be a string' });
    }
    return parseCiphertext(ciphertext).keyId;
  }

  /**
   * Whether a ciphertext names the current primary key, so rotation can skip it. Only the format is checked, not
   * the tag. Throws `TokenDecryptionError` `malformed`.
   */
  isUnderPrimaryKey(ciphertext: string): boolean {
    return this.keyIdOf(ciphertext) === this.primaryKeyId;
  }

  #check(keyring: Keyring): Keyring {
    if (!this.#checked.has(keyring)) {
      assertKeyring(keyring);
      this.#checked.add(keyring);
    }
    return keyring;
  }

  #keyringForEncryption(): Keyring {
    if (this.#source == null) return this.#fixedKeyring as Keyring;
    // A cheap stat per write means a key the CLI just made primary is used at once, so the rotation's re-encryption
    // pass is not undone by this process writing under the old key.
    return this.#check(this.#source.reloadIfChanged());
  }

  #findKey(keyId: string): Buffer {
    let keyring = this.#source == null ? (this.#fixedKeyring as Keyring) : this.#check(this.#source.keyring);
    let key = keyring.keys.get(keyId);
    if (key == null && this.#source != null) {
      // The CLI may have rotated since we loaded; one reload per miss picks up the new key.
      keyring = this.#check(this.#source.reload());
      key = keyring.keys.get(keyId);
    }
    if (key != null) return key;
    throw new TokenDecryptionError({
      code: 'unknown_key',
      keyId,
      message:
        `Stored token was encrypted under key "${keyId}", which this gateway does not have ` +
        `(it has ${[...keyring.keys.keys()].map((id) => `"${id}"`).join(', ')}): GATEWAY_ENCRYPTION_KEY or the key ` +
        'file is missing or wrong',
    });
  }
}
