import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.ts';

describe('LoginThrottle', () => {
  it('should lock an account after the maximum failures until the window passes', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(throttle.retryAfterSeconds('a@example.com')).toBeNull();
      throttle.recordFailure('a@example.com');
      now += 1_000;
    }
    expect(throttle.retryAfterSeconds('a@example.com')).toBe(57);
    expect(throttle.retryAfterSeconds('b@example.com')).toBeNull();
    now += 57_000;
    expect(throttle.retryAfterSeconds('a@example.com')).toBeNull();
  });

  it('should forget failures after a success', () => {
    const throttle = new LoginThrottle({ maxFailures: 2, windowMs: 60_000, now: () => 0 });
    throttle.recordFailure('a@example.com');
    throttle.recordSuccess('a@example.com');
    throttle.recordFailure('a@example.com');
    expect(throttle.retryAfterSeconds('a@example.com')).toBeNull();
  });
});
