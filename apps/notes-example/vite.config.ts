/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The port of `pnpm dev` and `pnpm preview`: NOTES_EXAMPLE_PORT, or Vite's `--port`. The app's address is what the
// gateway sees as its origin (the redirect URI of the connection and the origin its AI calls come from), so it stays
// on 127.0.0.1 unless NOTES_EXAMPLE_HOST says otherwise.
const port = Number(process.env.NOTES_EXAMPLE_PORT ?? 5180);
const host = process.env.NOTES_EXAMPLE_HOST ?? '127.0.0.1';

export default defineConfig({
  plugins: [react()],
  server: { host, port, strictPort: true },
  preview: { host, port, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true },
  test: {
    name: 'notes-example',
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
