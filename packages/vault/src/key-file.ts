import { randomBytes } from 'node:crypto';
import { deriveKeyId, KEY_LENGTH_BYTES } from './derive-key-id.ts';
import { KeyFileError } from './key-file-error.ts';
import type { Keyring } from './keyring.ts';

/** One key in the key file. */
export type KeyFileEntry = {
  /** `deriveKeyId(key)`; checked on every read so a hand-edited file cannot pair an id with the wrong key. */
  id: string;
  /** 32 random bytes; stored as base64. */
  key: Buffer;
  /** ISO 8601 time the key was generated; informational, for an operator deciding when to rotate. */
  createdAt: string;
};

/** The key file, `{ "version": 1, "primaryKeyId", "keys": [{ "id", "key", "createdAt" }] }`, as held in memory. */
export type KeyFile = {
  version: 1;
  /** The key new ciphertexts are encrypted under; one of `keys`. */
  primaryKeyId: string;
  /** Every key that may still appear in stored ciphertexts, oldest first. */
  keys: KeyFileEntry[];
};

export type ParseKeyFileOptions = {
  /** Used only in error messages. */
  path: string;
  text: string;
};

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

/** Generates a new random key for the key file. */
export function createKeyFileEntry(): KeyFileEntry {
  const key = randomBytes(KEY_LENGTH_BYTES);
  return { id: deriveKeyId(key), key, createdAt: new Date().toISOString() };
}

/** The keyring a key file describes. */
export function keyringFromKeyFile(keyFile: KeyFile): Keyring {
  return { primaryKeyId: keyFile.primaryKeyId, keys: new Map(keyFile.keys.map((entry) => [entry.id, entry.key])) };
}

/** Serializes a key file as pretty JSON, so an operator can read which keys exist. */
export function serializeKeyFile(keyFile: KeyFile): string {
  const keys = keyFile.keys.map((entry) => ({
    id: entry.id,
    key: entry.key.toString('base64'),
    createdAt: entry.createdAt,
  }));
  return `${JSON.stringify({ version: keyFile.version, primaryKeyId: keyFile.primaryKeyId, keys }, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value);
}

function parseEntry(value: unknown, index: number): KeyFileEntry | string {
  const where = `keys[${index}]`;
  if (!isRecord(value)) return `${where} must be an object`;
  if (typeof value.id !== 'string') return `${where}.id must be a string`;
  if (typeof value.createdAt !== 'string') return `${where}.createdAt must be a string`;
  if (typeof value.key !== 'string' || !BASE64_PATTERN.test(value.key)) return `${where}.key must be base64`;
  const key = Buffer.from(value.key, 'base64');
  if (key.length !== KEY_LENGTH_BYTES || key.toString('base64') !== value.key) {
    return `${where}.key must be ${KEY_LENGTH_BYTES} bytes of base64`;
  }
  if (deriveKeyId(key) !== value.id) return `${where}.id does not match its key`;
  return { id: value.id, key, createdAt: value.createdAt };
}

function parseOrReason(text: string): KeyFile | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // V8's SyntaxError quotes the text around the error, which here is key material; so neither message nor cause.
    return 'it is not valid JSON';
  }
  if (!isRecord(data)) return 'it must be a JSON object';
  if (data.version !== 1) return '"version" must be 1';
  if (typeof data.primaryKeyId !== 'string') return '"primaryKeyId" must be a string';
  if (!Array.isArray(data.keys) || data.keys.length === 0) return '"keys" must be a non-empty array';

  const keys: KeyFileEntry[] = [];
  for (const [index, value] of data.keys.entries()) {
    const entry = parseEntry(value, index);
    if (typeof entry === 'string') return entry;
    if (keys.some((other) => other.id === entry.id)) return `key "${entry.id}" appears twice`;
    keys.push(entry);
  }
  if (!keys.some((entry) => entry.id === data.primaryKeyId)) {
    return '"primaryKeyId" is not one of the keys';
  }
  return { version: 1, primaryKeyId: data.primaryKeyId, keys };
}

/**
 * Parses and validates key file text. Throws `KeyFileError` with code `malformed`, naming the path and the first
 * problem, but never quoting key material.
 */
export function parseKeyFile(options: ParseKeyFileOptions): KeyFile {
  const result = parseOrReason(options.text);
  if (typeof result !== 'string') return result;
  throw new KeyFileError({
    code: 'malformed',
    path: options.path,
    message:
      `Key file ${options.path} is malformed: ${result}. Fix it or restore it from a backup; ` +
      'replacing it with a new key would make every stored token unreadable.',
  });
}
