import { defineConfig } from '@playwright/test';

// Chromium comes from the OS (Debian's package), never from `playwright install`; these flags keep it quiet and
// working inside containers without a sandbox, GPU or large /dev/shm.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  testDir: './specs',
  globalSetup: './support/global-setup.ts',
  reporter: [['list'], ['json', { outputFile: '.artifacts/results.json' }]],
  outputDir: '.artifacts/test-results',
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  fullyParallel: false,
  use: {
    // Set by the global setup, which starts the server on a free port; workers load this file after it ran.
    baseURL: process.env.E2E_BASE_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
