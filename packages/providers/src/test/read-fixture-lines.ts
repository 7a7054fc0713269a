import { readFileSync } from 'node:fs';

/**
 * The Codex fixtures live with the fake Codex backend in @pag/testkit (read by path, never imported): streams it
 * recorded, `codex-<preset>`, and hand-made edge cases it does not produce, `codex-handmade-<case>`.
 */
export const CODEX_FIXTURES = new URL('../../../testkit/src/codex-backend/__fixtures__/', import.meta.url);

/** Reads `<name>.chunks.txt` (one event per line) from a `__fixtures__` folder given as a URL or path. */
export function readFixtureLines(directory: URL | string, name: string): string[] {
  const base = typeof directory === 'string' ? directory : directory.pathname;
  return readFileSync(`${base.replace(/\/+$/, '')}/${name}.chunks.txt`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
