import { describe, expect, it } from 'vitest';
import { readSetupToken } from './read-setup-token.ts';

describe('readSetupToken', () => {
  it('should read the token from the fragment', () => {
    expect(readSetupToken('#token=Ab-c_123')).toBe('Ab-c_123');
  });

  it('should accept a fragment without the leading hash', () => {
    expect(readSetupToken('token=xyz')).toBe('xyz');
  });

  it('should answer null when the fragment has no token', () => {
    expect(readSetupToken('')).toBeNull();
    expect(readSetupToken('#')).toBeNull();
    expect(readSetupToken('#token=')).toBeNull();
    expect(readSetupToken('#other=1')).toBeNull();
  });
});
