import { TokenDecryptionError } from './token-decryption-error.ts';

/** The format tag every ciphertext starts with; a new format would get a new tag rather than reinterpret this one. */
export const CIPHERTEXT_VERSION = 'pag1';

/** 96-bit IVs are the size GCM is specified for; other lengths are hashed into one and lose that footing. */
export const IV_LENGTH_BYTES = 12;

/** Full-length tags only: Node accepts tags as short as 4 bytes unless told otherwise, which weakens forgery bounds. */
export const TAG_LENGTH_BYTES = 16;

export type ParsedCiphertext = {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
};

const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

function malformed(reason: string, keyId?: string): TokenDecryptionError {
  // The reason never quotes the input: a column holding a plaintext token by mistake must not leak it here.
  return new TokenDecryptionError({
    code: 'malformed',
    keyId,
    message: `Stored token is not a vault ciphertext: ${reason}`,
  });
}

/**
 * Decodes base64url only in its canonical form. Node's decoder ignores stray bits in the last character, so without
 * this check two different strings would decode to the same tag and a modified value could still verify.
 */
function decodeCanonical(part: string): Buffer | undefined {
  if (!BASE64URL_PATTERN.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

/**
 * Splits `pag1.<keyId>.<iv>.<ciphertext>.<tag>` into its parts, checking encodings and lengths.
 * Throws `TokenDecryptionError` with code `malformed` when the value is not in that format.
 */
export function parseCiphertext(value: string): ParsedCiphertext {
  const parts = value.split('.');
  if (parts.length !== 5) throw malformed(`expected 5 dot-separated parts, found ${parts.length}`);
  const [version, keyId, ivPart, ciphertextPart, tagPart] = parts as [string, string, string, string, string];
  if (version !== CIPHERTEXT_VERSION) throw malformed(`it does not start with "${CIPHERTEXT_VERSION}."`);
  if (!KEY_ID_PATTERN.test(keyId)) throw malformed('the key id is not valid');

  const iv = decodeCanonical(ivPart);
  if (iv?.length !== IV_LENGTH_BYTES) throw malformed(`the IV is not ${IV_LENGTH_BYTES} bytes of base64url`, keyId);
  const ciphertext = decodeCanonical(ciphertextPart);
  if (ciphertext == null) throw malformed('the ciphertext is not base64url', keyId);
  const tag = decodeCanonical(tagPart);
  if (tag?.length !== TAG_LENGTH_BYTES) throw malformed(`the tag is not ${TAG_LENGTH_BYTES} bytes of base64url`, keyId);

  return { keyId, iv, ciphertext, tag };
}
