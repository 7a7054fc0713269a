import { defineConfig } from 'vitest/config';

// One run covers every workspace package; each package's own config names its project and test files.
export default defineConfig({
  test: {
    projects: ['apps/server', 'apps/web', 'packages/*'],
  },
});
