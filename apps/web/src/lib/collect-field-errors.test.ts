import { setupRequestSchema } from '@pag/contracts';
import { describe, expect, it } from 'vitest';
import { collectFieldErrors } from './collect-field-errors.ts';

describe('collectFieldErrors', () => {
  it('should keep the first message of each field', () => {
    const errors = collectFieldErrors([
      { path: ['password'], message: 'must be at least 12 characters' },
      { path: ['password'], message: 'second message' },
      { path: ['email'], message: 'must be a valid email address' },
    ]);
    expect(errors).toEqual({
      password: 'must be at least 12 characters',
      email: 'must be a valid email address',
    });
  });

  it('should ignore issues that are not about a named field', () => {
    expect(collectFieldErrors([{ path: [], message: 'form-level' }])).toEqual({});
  });

  it('should map the contracts setup schema to per-field messages', () => {
    const result = setupRequestSchema.safeParse({ token: '', email: 'not-an-email', password: 'short' });
    expect(result.success).toBe(false);
    expect(collectFieldErrors(result.error?.issues ?? [])).toEqual({
      token: 'is required (copy it from the setup link in the server log)',
      email: 'must be a valid email address',
      password: 'must be at least 12 characters',
    });
  });
});
