import { describe, expect, it } from 'vitest';
import { CallbackInputError, parseCodexCallbackInput } from './parse-codex-callback-input.ts';

const CODE = 'ac_Xk2m9PqR.7YtZw3';
const STATE = 'Qm9vYmFyYmF6LXN0YXRlLXZhbHVl';

describe('parseCodexCallbackInput', () => {
  it.each([
    [
      `http://127.0.0.1:1455/auth/callback?code=${CODE}&scope=openid+profile&state=${STATE}`,
      { code: CODE, state: STATE },
    ],
    [`http://localhost:1455/auth/callback?code=${CODE}&state=${STATE}`, { code: CODE, state: STATE }],
    [`  http://localhost:1457/auth/callback?state=${STATE}&code=${CODE}  \n`, { code: CODE, state: STATE }],
    [`?code=${CODE}&state=${STATE}`, { code: CODE, state: STATE }],
    [`code=${CODE}&state=${STATE}`, { code: CODE, state: STATE }],
    [`code=${CODE}`, { code: CODE, state: null }],
    [`${CODE}#${STATE}`, { code: CODE, state: STATE }],
    [CODE, { code: CODE, state: null }],
  ])('should read %j', (input, expected) => {
    expect(parseCodexCallbackInput(input)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['   \n ', 'empty'],
    ['http://', 'not_a_callback'],
    ['http://127.0.0.1:1455/auth/callback', 'not_a_callback'],
    [`http://127.0.0.1:1455/auth/callback?state=${STATE}`, 'not_a_callback'],
    ['https://auth.openai.com/oauth/authorize?response_type=code&client_id=x', 'not_a_callback'],
    ['x'.repeat(9000), 'not_a_callback'],
    ['code=', 'malformed_code'],
    ['code=has space', 'malformed_code'],
    ['abc', 'malformed_code'],
    ['hello world', 'malformed_code'],
    ['<script>alert(1)</script>', 'malformed_code'],
    ['javascript:alert(1)', 'malformed_code'],
    ['{"code":"ac_123456789"}', 'malformed_code'],
    ['ac_ünïcödé_code', 'malformed_code'],
    [`${CODE}#bad state!`, 'malformed_state'],
    [`code=${CODE}&state=${'s'.repeat(600)}`, 'malformed_state'],
    [
      'http://127.0.0.1:1455/auth/callback?error=access_denied&error_description=missing_codex_entitlement',
      'authorization_error',
    ],
    ['error=access_denied', 'authorization_error'],
  ])('should refuse %j as %s', (input, reason) => {
    let caught: unknown;
    try {
      parseCodexCallbackInput(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CallbackInputError);
    expect((caught as CallbackInputError).reason).toBe(reason);
    expect((caught as CallbackInputError).message.length).toBeGreaterThan(10);
  });
});
