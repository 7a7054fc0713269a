import { defineConfig } from 'drizzle-kit';

// Used only by `pnpm db:generate` to write migrations from src/db/schema.ts; the server applies them at startup.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
});
