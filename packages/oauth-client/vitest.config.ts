import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { name: 'oauth-client', include: ['src/**/*.test.ts'] } });
