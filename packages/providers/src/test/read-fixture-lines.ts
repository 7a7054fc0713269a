import { readFileSync } from 'node:fs';

/** Reads `<name>.chunks.txt` (one event per line) from a `__fixtures__` folder given as a URL or path. */
export function readFixtureLines(directory: URL | string, name: string): string[] {
  const base = typeof directory === 'string' ? directory : directory.pathname;
  return readFileSync(`${base.replace(/\/+$/, '')}/${name}.chunks.txt`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
