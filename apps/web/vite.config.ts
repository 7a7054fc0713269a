/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the API runs as its own process (apps/server); in production the server serves dist/ itself.
const GATEWAY_DEV_ORIGIN = 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': GATEWAY_DEV_ORIGIN,
      '/v1': GATEWAY_DEV_ORIGIN,
      '/healthz': GATEWAY_DEV_ORIGIN,
      '/readyz': GATEWAY_DEV_ORIGIN,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  test: {
    name: 'web',
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
