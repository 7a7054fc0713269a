import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { Keyring, ReloadableKeyring } from './keyring.ts';
import { TokenDecryptionError } from './token-decryption-error.ts';
import { Vault } from './vault.ts';

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
const CONTEXT = { context: 'connections:1:refresh_token' };

function keyring(primaryKeyId: string, entries: Record<string, Buffer>): Keyring {
  return { primaryKeyId, keys: new Map(Object.entries(entries)) };
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/** Replaces part `index` of a ciphertext, keeping the others. */
function withPart(ciphertext: string, index: number, replace: (part: string) => string): string {
  const parts = ciphertext.split('.');
  parts[index] = replace(parts[index] as string);
  return parts.join('.');
}

/** Flips the first byte a base64url part encodes, so it still decodes to the same length. */
function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = (bytes[0] as number) ^ 0x01;
  return bytes.toString('base64url');
}

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Sets a bit the last character of a 16-byte part carries but the decoder ignores: the string changes while the
 * decoded bytes do not, which must still count as malformed.
 */
function setUnusedBit(part: string): string {
  const last = BASE64URL_ALPHABET.indexOf(part.at(-1) as string);
  return `${part.slice(0, -1)}${BASE64URL_ALPHABET[last | 1]}`;
}

describe('Vault', () => {
  const vault = new Vault(keyring('ka', { ka: KEY_A, kb: KEY_B }));

  it.each([
    ['an access token', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl'],
    ['an empty string', ''],
    ['non-ASCII text', 'clé 🔑 ключ'],
    ['a long value', 'x'.repeat(100_000)],
  ])('should round-trip %s', (_name, plaintext) => {
    expect(vault.decrypt(vault.encrypt(plaintext, CONTEXT), CONTEXT)).toBe(plaintext);
  });

  it.each([
    ['an access token', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl'],
    ['non-ASCII text', 'clé 🔑 ключ'],
    ['a long value', 'x'.repeat(100_000)],
  ])('issue 16: the ciphertext of %s is not the plaintext, and holds it in no readable form', (_name, plaintext) => {
    // A round trip alone also passes for a cipher that copies its input; these cannot.
    const ciphertext = vault.encrypt(plaintext, CONTEXT);
    expect(ciphertext).not.toBe(plaintext);
    expect(ciphertext).not.toContain(plaintext);
    const bytes = Buffer.from(plaintext, 'utf8');
    expect(ciphertext).not.toContain(bytes.toString('base64url'));
    const body = Buffer.from(ciphertext.split('.')[3] as string, 'base64url');
    expect(body).toHaveLength(bytes.length);
    expect(body.equals(bytes)).toBe(false);
    // Not even a 16-byte run of the plaintext shows through (a keystream of zeros would leave it all).
    expect(body.includes(bytes.subarray(0, Math.min(16, bytes.length)))).toBe(false);
    expect(vault.decrypt(ciphertext, CONTEXT)).toBe(plaintext);
  });

  it('should produce pag1.<keyId>.<iv>.<ciphertext>.<tag> with a 12-byte IV and a 16-byte tag', () => {
    const ciphertext = vault.encrypt('secret', CONTEXT);
    const [version, keyId, iv, body, tag] = ciphertext.split('.');

    expect(ciphertext.split('.')).toHaveLength(5);
    expect(version).toBe('pag1');
    expect(keyId).toBe('ka');
    expect(Buffer.from(iv as string, 'base64url')).toHaveLength(12);
    expect(Buffer.from(body as string, 'base64url')).toHaveLength('secret'.length);
    expect(Buffer.from(tag as string, 'base64url')).toHaveLength(16);
    expect(ciphertext).not.toContain('secret');
  });

  it('should use a fresh random IV for every encryption', () => {
    const first = vault.encrypt('same plaintext', CONTEXT);
    const second = vault.encrypt('same plaintext', CONTEXT);

    expect(first).not.toBe(second);
    expect(first.split('.')[2]).not.toBe(second.split('.')[2]);
  });

  it('should decrypt under a non-primary key of the keyring', () => {
    const underB = new Vault(keyring('kb', { kb: KEY_B })).encrypt('old token', CONTEXT);

    expect(vault.decrypt(underB, CONTEXT)).toBe('old token');
    expect(vault.keyIdOf(underB)).toBe('kb');
    expect(vault.isUnderPrimaryKey(underB)).toBe(false);
  });

  it('should re-encrypt under the primary key', () => {
    const underB = new Vault(keyring('kb', { kb: KEY_B })).encrypt('old token', CONTEXT);
    const reencrypted = vault.reencrypt(underB, CONTEXT);

    expect(vault.keyIdOf(reencrypted)).toBe('ka');
    expect(vault.isUnderPrimaryKey(reencrypted)).toBe(true);
    expect(vault.decrypt(reencrypted, CONTEXT)).toBe('old token');
  });

  it('should not be affected by later changes to the keyring map it was given', () => {
    const keys = new Map([['ka', KEY_A]]);
    const isolated = new Vault({ primaryKeyId: 'ka', keys });
    const ciphertext = isolated.encrypt('secret', CONTEXT);
    keys.set('ka', KEY_B);

    expect(isolated.decrypt(ciphertext, CONTEXT)).toBe('secret');
  });

  describe('decrypt rejections', () => {
    const good = vault.encrypt('secret', CONTEXT);
    const malformed = 'Stored token is not a vault ciphertext: ';
    const tamperedMessage =
      'Stored token under key "ka" failed authentication for context "connections:1:refresh_token": it was ' +
      'modified, copied from another field, or the key bytes for that id are wrong';

    it.each([
      [
        'a plaintext JWT',
        'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.',
        'malformed',
        `${malformed}expected 5 dot-separated parts, found 3`,
      ],
      ['an empty string', '', 'malformed', `${malformed}expected 5 dot-separated parts, found 1`],
      ['an extra part', `${good}.AA`, 'malformed', `${malformed}expected 5 dot-separated parts, found 6`],
      ['another version', withPart(good, 0, () => 'pag2'), 'malformed', `${malformed}it does not start with "pag1."`],
      [
        'an upper-case version',
        withPart(good, 0, () => 'PAG1'),
        'malformed',
        `${malformed}it does not start with "pag1."`,
      ],
      ['an empty key id', withPart(good, 1, () => ''), 'malformed', `${malformed}the key id is not valid`],
      ['a key id with a space', withPart(good, 1, () => 'k a'), 'malformed', `${malformed}the key id is not valid`],
      [
        'a short IV',
        withPart(good, 2, (part) => part.slice(0, 12)),
        'malformed',
        `${malformed}the IV is not 12 bytes of base64url`,
      ],
      [
        'a standard-base64 IV',
        withPart(good, 2, () => '+/+/+/+/+/+/+/+/'),
        'malformed',
        `${malformed}the IV is not 12 bytes of base64url`,
      ],
      [
        'a padded IV',
        withPart(good, 2, (part) => `${part}=`),
        'malformed',
        `${malformed}the IV is not 12 bytes of base64url`,
      ],
      [
        'a ciphertext with a bad character',
        withPart(good, 3, (part) => `${part}!`),
        'malformed',
        `${malformed}the ciphertext is not base64url`,
      ],
      [
        'a truncated tag',
        withPart(good, 4, (part) => part.slice(0, 16)),
        'malformed',
        `${malformed}the tag is not 16 bytes of base64url`,
      ],
      [
        'a non-canonical tag',
        withPart(good, 4, setUnusedBit),
        'malformed',
        `${malformed}the tag is not 16 bytes of base64url`,
      ],
      ['a missing tag', withPart(good, 4, () => ''), 'malformed', `${malformed}the tag is not 16 bytes of base64url`],
      ['a changed IV', withPart(good, 2, flipFirstByte), 'authentication_failed', tamperedMessage],
      ['a changed ciphertext', withPart(good, 3, flipFirstByte), 'authentication_failed', tamperedMessage],
      [
        'a shortened ciphertext',
        withPart(good, 3, (part) => part.slice(0, 4)),
        'authentication_failed',
        tamperedMessage,
      ],
      ['a changed tag', withPart(good, 4, flipFirstByte), 'authentication_failed', tamperedMessage],
      [
        'a key id swapped for another key in the keyring',
        withPart(good, 1, () => 'kb'),
        'authentication_failed',
        tamperedMessage.replace('"ka"', '"kb"'),
      ],
      [
        'a key id not in the keyring',
        withPart(good, 1, () => 'kzz'),
        'unknown_key',
        'Stored token was encrypted under key "kzz", which this gateway does not have (it has "ka", "kb"): ' +
          'GATEWAY_ENCRYPTION_KEY or the key file is missing or wrong',
      ],
    ])('should reject %s', (_name, ciphertext, code, message) => {
      const error = catchError(() => vault.decrypt(ciphertext, CONTEXT));

      expect(error).toBeInstanceOf(TokenDecryptionError);
      expect(error).toMatchObject({ name: 'TokenDecryptionError', code, message });
    });

    it('should reject a ciphertext moved to another context', () => {
      const error = catchError(() => vault.decrypt(good, { context: 'connections:2:refresh_token' }));

      expect(error).toMatchObject({
        code: 'authentication_failed',
        keyId: 'ka',
        message:
          'Stored token under key "ka" failed authentication for context "connections:2:refresh_token": it was ' +
          'modified, copied from another field, or the key bytes for that id are wrong',
      });
    });

    it('should reject the right key id with the wrong key bytes', () => {
      const impostor = new Vault(keyring('ka', { ka: KEY_B }));

      expect(catchError(() => impostor.decrypt(good, CONTEXT))).toMatchObject({ code: 'authentication_failed' });
    });

    it('should name the unknown key id and never reveal key bytes or plaintext', () => {
      const other = new Vault(keyring('kother', { kother: KEY_B }));
      const error = catchError(() => other.decrypt(good, CONTEXT)) as TokenDecryptionError;

      expect(error.code).toBe('unknown_key');
      expect(error.keyId).toBe('ka');
      expect(error.message).toContain('"ka"');
      for (const secret of [KEY_A, KEY_B]) {
        expect(error.message).not.toContain(secret.toString('base64'));
        expect(error.message).not.toContain(secret.toString('hex'));
      }
      expect(error.message).not.toContain('secret');
    });
  });

  describe('misuse', () => {
    it.each([
      [
        'a 16-byte key',
        () => new Vault(keyring('ka', { ka: randomBytes(16) })),
        'ERR_INVALID_ARG_VALUE',
        '"keyring.keys" entry "ka" must be a 32-byte Buffer',
      ],
      [
        'a key that is not a Buffer',
        () => new Vault(keyring('ka', { ka: 'x'.repeat(32) as unknown as Buffer })),
        'ERR_INVALID_ARG_VALUE',
        '"keyring.keys" entry "ka" must be a 32-byte Buffer',
      ],
      [
        'a primary key id not in the keyring',
        () => new Vault(keyring('kz', { ka: KEY_A })),
        'ERR_INVALID_ARG_VALUE',
        '"keyring.primaryKeyId" must name a key in "keyring.keys"',
      ],
      [
        'a key id containing a dot',
        () => new Vault(keyring('k.a', { 'k.a': KEY_A })),
        'ERR_INVALID_ARG_VALUE',
        '"keyring.keys" ids must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"',
      ],
      [
        'keys that are not a Map',
        () => new Vault({ primaryKeyId: 'ka', keys: { ka: KEY_A } as unknown as Map<string, Buffer> }),
        'ERR_INVALID_ARG_TYPE',
        '"keyring.keys" must be a Map',
      ],
      [
        'a missing keyring',
        () => new Vault(null as unknown as Keyring),
        'ERR_INVALID_ARG_TYPE',
        '"keyring" must be an object',
      ],
      [
        'an empty context on encrypt',
        () => vault.encrypt('secret', { context: '' }),
        'ERR_INVALID_ARG_VALUE',
        '"context" must not be empty',
      ],
      [
        'an empty context on decrypt',
        () => vault.decrypt('pag1.ka.x.y.z', { context: '' }),
        'ERR_INVALID_ARG_VALUE',
        '"context" must not be empty',
      ],
      [
        'a missing context',
        () => vault.encrypt('secret', {} as { context: string }),
        'ERR_INVALID_ARG_TYPE',
        '"context" must be a string',
      ],
      [
        'missing options',
        () => vault.encrypt('secret', undefined as unknown as { context: string }),
        'ERR_INVALID_ARG_TYPE',
        '"options" must be an object',
      ],
      [
        'a non-string plaintext',
        () => vault.encrypt(42 as unknown as string, CONTEXT),
        'ERR_INVALID_ARG_TYPE',
        '"plaintext" must be a string',
      ],
      [
        'a plaintext with a lone surrogate',
        () => vault.encrypt('\ud800', CONTEXT),
        'ERR_INVALID_ARG_VALUE',
        '"plaintext" must be well-formed Unicode',
      ],
      [
        'a non-string ciphertext',
        () => vault.decrypt(null as unknown as string, CONTEXT),
        'ERR_INVALID_ARG_TYPE',
        '"ciphertext" must be a string',
      ],
      [
        'a non-string ciphertext for keyIdOf',
        () => vault.keyIdOf(undefined as unknown as string),
        'ERR_INVALID_ARG_TYPE',
        '"ciphertext" must be a string',
      ],
    ])('should throw a coded TypeError for %s', (_name, run, code, message) => {
      const error = catchError(run);

      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ code, message });
    });
  });

  describe('with a reloadable keyring', () => {
    function fakeSource(initial: Keyring) {
      let current = initial;
      let next = initial;
      const source: ReloadableKeyring = {
        get keyring() {
          return current;
        },
        reload: vi.fn(() => {
          current = next;
          return current;
        }),
        reloadIfChanged: vi.fn(() => current),
      };
      return { source, setNext: (keyring: Keyring) => (next = keyring) };
    }

    it('should reload once on an unknown key id and then decrypt', () => {
      const { source, setNext } = fakeSource(keyring('ka', { ka: KEY_A }));
      const running = new Vault(source);
      const underB = new Vault(keyring('kb', { kb: KEY_B })).encrypt('rotated', CONTEXT);
      setNext(keyring('kb', { kb: KEY_B }));

      expect(running.decrypt(underB, CONTEXT)).toBe('rotated');
      expect(source.reload).toHaveBeenCalledTimes(1);
      expect(running.primaryKeyId).toBe('kb');
    });

    it('should reload only once before throwing unknown_key', () => {
      const { source } = fakeSource(keyring('ka', { ka: KEY_A }));
      const running = new Vault(source);
      const underB = new Vault(keyring('kb', { kb: KEY_B })).encrypt('rotated', CONTEXT);

      expect(catchError(() => running.decrypt(underB, CONTEXT))).toMatchObject({ code: 'unknown_key', keyId: 'kb' });
      expect(source.reload).toHaveBeenCalledTimes(1);
    });

    it('should not reload when the key id is known', () => {
      const { source } = fakeSource(keyring('ka', { ka: KEY_A }));
      const running = new Vault(source);

      expect(running.decrypt(running.encrypt('secret', CONTEXT), CONTEXT)).toBe('secret');
      expect(source.reload).not.toHaveBeenCalled();
      expect(source.reloadIfChanged).toHaveBeenCalledTimes(1);
    });

    it('should reject an invalid keyring returned by a reload', () => {
      const { source, setNext } = fakeSource(keyring('ka', { ka: KEY_A }));
      const running = new Vault(source);
      setNext(keyring('kb', { kb: randomBytes(31) }));

      expect(
        catchError(() => running.decrypt('pag1.kb.AAAAAAAAAAAAAAAA..AAAAAAAAAAAAAAAAAAAAAA', CONTEXT)),
      ).toMatchObject({
        code: 'ERR_INVALID_ARG_VALUE',
        message: '"keyring.keys" entry "kb" must be a 32-byte Buffer',
      });
    });
  });
});
