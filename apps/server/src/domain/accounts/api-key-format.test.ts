import { describe, expect, it } from 'vitest';
import { generateApiKey, parseApiKeyId } from './api-key-format.ts';

describe('api key format', () => {
  it('should generate distinct keys whose public id parses back', () => {
    const first = generateApiKey();
    const second = generateApiKey();
    expect(first.key).toMatch(/^gwk_[a-z2-9]{12}_[\w-]{43}$/);
    expect(first.key).not.toBe(second.key);
    expect(parseApiKeyId(first.key)).toBe(first.id);
  });

  it.each(['', 'gwk_', 'sk-abc', `gwk_ABCDEFGHIJKL_${'a'.repeat(43)}`, `gwk_abcdefghijkm_${'a'.repeat(42)}`])(
    'should reject the malformed key %j before any lookup',
    (key) => {
      expect(parseApiKeyId(key)).toBeNull();
    },
  );
});
