import { describe, expect, it } from 'vitest';
import { recommendSignIn } from './recommend-sign-in.ts';

const available = {
  recommended: 'browser',
  browser: { isAvailable: true, reason: null },
  runsInContainer: false,
} as const;
const compose = {
  recommended: 'device',
  browser: { isAvailable: false, reason: 'The gateway runs in a container: port 1455 does not reach inside it.' },
  runsInContainer: true,
} as const;

describe('recommendSignIn', () => {
  it('issue 17: a compose gateway opened at localhost recommends the device code, then paste, and says why not browser', () => {
    expect(recommendSignIn(compose, 'localhost')).toEqual({
      recommended: 'device',
      order: ['device', 'paste', 'browser'],
      browserProblem: compose.browser.reason,
    });
  });

  it('issue 17: the gateway’s own machine with a free port recommends browser sign-in and still offers the others', () => {
    expect(recommendSignIn(available, '127.0.0.1')).toEqual({
      recommended: 'browser',
      order: ['browser', 'device', 'paste'],
      browserProblem: null,
    });
  });

  it('should recommend the device code when the page is open from another machine', () => {
    const recommendation = recommendSignIn(available, 'gateway.lan');
    expect(recommendation.recommended).toBe('device');
    expect(recommendation.browserProblem).toMatch(/another machine/);
  });

  it('should decide from the page address while the server has not answered', () => {
    expect(recommendSignIn(null, 'localhost').recommended).toBe('browser');
    expect(recommendSignIn(null, '192.168.1.20').recommended).toBe('device');
  });
});
