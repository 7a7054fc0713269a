import { randomInt } from 'node:crypto';
import { API_KEY_PREFIX } from '@pag/contracts';
import { generateToken } from '../security/secret-tokens.ts';

// A key reads `gwk_<12-char public id>_<43-char secret>`. The public id finds the row and is safe to show; the
// whole key is hashed and compared in constant time. The recognisable prefix lets secret scanners spot leaks.
const ID_ALPHABET = 'abcdefghijkmnopqrstuvwxyz23456789';
const ID_LENGTH = 12;
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}([${ID_ALPHABET}]{${ID_LENGTH}})_[A-Za-z0-9_-]{43}$`);

/** A fresh API key and its public id. */
export function generateApiKey(): { id: string; key: string } {
  let id = '';
  for (let index = 0; index < ID_LENGTH; index++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return { id, key: `${API_KEY_PREFIX}${id}_${generateToken(32)}` };
}

/** The public id of a well-formed key, or null: malformed keys are rejected before touching the database. */
export function parseApiKeyId(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

/** What the UI shows to recognise a key. */
export function apiKeyDisplayPrefix(id: string): string {
  return `${API_KEY_PREFIX}${id}`;
}
