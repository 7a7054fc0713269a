import { randomInt } from 'node:crypto';

// No I or O, which people misread as 1 and 0 when typing the code.
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A device user code in the real server's `ABCD-12345` shape, unique among the live ones. */
export function generateUserCode(options: { isTaken: (code: string) => boolean }): string {
  for (;;) {
    const prefix = Array.from({ length: 4 }, () => LETTERS[randomInt(LETTERS.length)]).join('');
    const code = `${prefix}-${String(randomInt(100_000)).padStart(5, '0')}`;
    if (!options.isTaken(code)) return code;
  }
}
