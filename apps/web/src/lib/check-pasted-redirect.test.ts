import { describe, expect, it } from 'vitest';
import { checkPastedRedirect } from './check-pasted-redirect.ts';

describe('checkPastedRedirect', () => {
  it.each([
    'http://localhost:1455/auth/callback?code=ac_abc123&state=xyz',
    '  http://127.0.0.1:1455/auth/callback?code=ac_abc&scope=openid&state=s  ',
    'code=ac_abc&state=xyz',
    'ac_abc123#state456',
    'ac_abc123',
  ])('should accept %j', (input) => {
    expect(checkPastedRedirect(input)).toEqual({ ok: true });
  });

  it.each([
    ['', /Paste the address/],
    ['http://localhost:1455/auth/callback?state=xyz', /no sign-in code/],
    ['http://localhost:1455/auth/callback?error=access_denied&error_description=User%20cancelled', /User cancelled/],
    ['http://', /not a complete address/],
    ['hello world, not a code', /does not look like/],
  ])('should explain what is wrong with %j', (input, message) => {
    const result = checkPastedRedirect(input);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatch(message);
  });
});
