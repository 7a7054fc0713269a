import { describe, expect, it } from 'vitest';
import { HOME_PATH, safeNextPath } from './safe-next-path.ts';

describe('safeNextPath', () => {
  it('should keep a path inside the settings', () => {
    expect(safeNextPath('/settings/connections')).toBe('/settings/connections');
  });

  it.each([null, '', '/', '//evil.example', '/settings//evil.example', '/settings/\\evil', 'https://evil.example'])(
    'should fall back to the home path for %j',
    (next) => {
      expect(safeNextPath(next)).toBe(HOME_PATH);
    },
  );
});
