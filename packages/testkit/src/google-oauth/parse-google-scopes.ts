import { SCOPE_ALIASES } from './google-oauth-constants.ts';

export type ParsedScopes =
  | { kind: 'valid'; scopes: string[] }
  | { kind: 'invalid'; valid: string[]; invalid: string[] };

/**
 * Splits a space-delimited `scope` (URLSearchParams already turned `+` into spaces), expands `email` and `profile`
 * to their full URLs as Google's token response spells them, and drops repeats. A scope is known when it is
 * `openid`, an alias or a googleapis.com auth URL; the fake cannot know every Google scope, so that is the line.
 */
export function parseGoogleScopes(scope: string): ParsedScopes {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const requested of scope.split(' ')) {
    if (requested === '') continue;
    const expanded = SCOPE_ALIASES[requested] ?? requested;
    const isKnown = expanded === 'openid' || /^https:\/\/www\.googleapis\.com\/auth\/[a-z0-9._-]+$/i.test(expanded);
    const list = isKnown ? valid : invalid;
    if (!list.includes(expanded)) list.push(expanded);
  }
  return invalid.length === 0 ? { kind: 'valid', scopes: valid } : { kind: 'invalid', valid, invalid };
}
