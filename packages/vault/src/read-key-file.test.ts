import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveKeyId } from './derive-key-id.ts';
import { KeyFileError } from './key-file-error.ts';
import { readKeyFile } from './read-key-file.ts';

const KEY = Buffer.alloc(32, 3);
const KEY_ID = deriveKeyId(KEY);
const ENTRY = { id: KEY_ID, key: KEY.toString('base64'), createdAt: '2026-01-01T00:00:00.000Z' };

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('readKeyFile', () => {
  let directory: string;
  let path: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'pag-vault-'));
    path = join(directory, 'keys.json');
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  function writeKeyFileText(text: string, mode = 0o600): void {
    writeFileSync(path, text);
    chmodSync(path, mode);
  }

  it('should read a valid file', () => {
    writeKeyFileText(JSON.stringify({ version: 1, primaryKeyId: KEY_ID, keys: [ENTRY] }));

    expect(readKeyFile(path)).toEqual({
      version: 1,
      primaryKeyId: KEY_ID,
      keys: [{ id: KEY_ID, key: KEY, createdAt: '2026-01-01T00:00:00.000Z' }],
    });
  });

  it.each([0o400, 0o600, 0o700])('should accept the owner-only mode %o', (mode) => {
    writeKeyFileText(JSON.stringify({ version: 1, primaryKeyId: KEY_ID, keys: [ENTRY] }), mode);

    expect(readKeyFile(path).primaryKeyId).toBe(KEY_ID);
  });

  it.each([0o644, 0o640, 0o604, 0o660, 0o601, 0o610])('should refuse mode %o and say to chmod 600', (mode) => {
    writeKeyFileText(JSON.stringify({ version: 1, primaryKeyId: KEY_ID, keys: [ENTRY] }), mode);
    const error = catchError(() => readKeyFile(path));
    const shown = mode.toString(8).padStart(4, '0');

    expect(error).toBeInstanceOf(KeyFileError);
    expect(error).toMatchObject({
      code: 'insecure_permissions',
      path,
      message: `Key file ${path} has mode ${shown}, so other users can access the encryption keys. Run \`chmod 600 ${path}\` and start again.`,
    });
  });

  it('should report a missing file as not_found', () => {
    expect(catchError(() => readKeyFile(path))).toMatchObject({
      code: 'not_found',
      path,
      message: `Key file ${path} does not exist`,
    });
  });

  it('should refuse a directory', () => {
    mkdirSync(path, { mode: 0o700 });

    expect(catchError(() => readKeyFile(path))).toMatchObject({
      code: 'malformed',
      message: `Key file ${path} is not a regular file`,
    });
  });

  const other = Buffer.alloc(32, 4);
  const otherEntry = { id: deriveKeyId(other), key: other.toString('base64'), createdAt: '2026-01-02T00:00:00.000Z' };
  const valid = { version: 1, primaryKeyId: KEY_ID, keys: [ENTRY] };

  it.each([
    ['empty text', '', 'it is not valid JSON'],
    ['truncated JSON', JSON.stringify(valid).slice(0, 40), 'it is not valid JSON'],
    ['an array', '[]', 'it must be a JSON object'],
    ['null', 'null', 'it must be a JSON object'],
    ['version 2', JSON.stringify({ ...valid, version: 2 }), '"version" must be 1'],
    ['version as a string', JSON.stringify({ ...valid, version: '1' }), '"version" must be 1'],
    ['no primaryKeyId', JSON.stringify({ version: 1, keys: [ENTRY] }), '"primaryKeyId" must be a string'],
    ['no keys', JSON.stringify({ ...valid, keys: [] }), '"keys" must be a non-empty array'],
    ['keys as an object', JSON.stringify({ ...valid, keys: { a: ENTRY } }), '"keys" must be a non-empty array'],
    ['a key entry that is a string', JSON.stringify({ ...valid, keys: ['x'] }), 'keys[0] must be an object'],
    [
      'an entry without an id',
      JSON.stringify({ ...valid, keys: [{ ...ENTRY, id: undefined }] }),
      'keys[0].id must be a string',
    ],
    [
      'an entry without createdAt',
      JSON.stringify({ ...valid, keys: [{ ...ENTRY, createdAt: 5 }] }),
      'keys[0].createdAt must be a string',
    ],
    [
      'a key that is not base64',
      JSON.stringify({ ...valid, keys: [{ ...ENTRY, key: 'not base64!' }] }),
      'keys[0].key must be base64',
    ],
    [
      'a 16-byte key',
      JSON.stringify({ ...valid, keys: [{ ...ENTRY, key: Buffer.alloc(16).toString('base64') }] }),
      'keys[0].key must be 32 bytes of base64',
    ],
    [
      'a key without padding',
      JSON.stringify({ ...valid, keys: [{ ...ENTRY, key: ENTRY.key.replace(/=+$/, '') }] }),
      'keys[0].key must be 32 bytes of base64',
    ],
    [
      'an id that does not match its key',
      JSON.stringify({ ...valid, keys: [ENTRY, { ...otherEntry, id: 'k0000000000' }] }),
      'keys[1].id does not match its key',
    ],
    ['a duplicated key', JSON.stringify({ ...valid, keys: [ENTRY, ENTRY] }), `key "${KEY_ID}" appears twice`],
    [
      'a primary key id not among the keys',
      JSON.stringify({ ...valid, primaryKeyId: otherEntry.id }),
      '"primaryKeyId" is not one of the keys',
    ],
  ])('should reject %s as malformed', (_name, text, reason) => {
    writeKeyFileText(text);
    const error = catchError(() => readKeyFile(path)) as KeyFileError;

    expect(error).toBeInstanceOf(KeyFileError);
    expect(error).toMatchObject({
      code: 'malformed',
      path,
      message:
        `Key file ${path} is malformed: ${reason}. Fix it or restore it from a backup; ` +
        'replacing it with a new key would make every stored token unreadable.',
    });
    expect(error.message).not.toContain(ENTRY.key);
    expect(error.cause).toBeUndefined();
  });

  it.each([
    ['an empty path', '', 'ERR_INVALID_ARG_VALUE', '"path" must not be empty'],
    ['a non-string path', undefined, 'ERR_INVALID_ARG_TYPE', '"path" must be a string'],
  ])('should throw a coded TypeError for %s', (_name, badPath, code, message) => {
    expect(catchError(() => readKeyFile(badPath as string))).toMatchObject({ name: 'TypeError', code, message });
  });
});
