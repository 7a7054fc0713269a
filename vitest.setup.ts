import { readFileSync } from 'node:fs';
import { afterAll, expect, vi } from 'vitest';

// Runs before every test file of every project (vitest.config.ts, setupFiles).
//
// The files of a worker share one module graph (isolate: false in vitest.config.ts). A file that mocks a module
// (vi.mock) needs the modules that import it evaluated anew, with the mock, and must leave no mocked module behind
// for the next file: it gets a module graph of its own, as every file had with isolation.
const testPath = expect.getState().testPath;
if (testPath != null && /\bvi\.(mock|doMock)\(/.test(readFileSync(testPath, 'utf8'))) {
  vi.resetModules();
  afterAll(() => {
    vi.resetModules();
  });
}
