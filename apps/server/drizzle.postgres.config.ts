import { defineConfig } from 'drizzle-kit';

// Used only by `pnpm db:generate` to write the PostgreSQL migrations from src/db/postgres-schema.ts (itself derived
// from src/db/schema.ts); the server applies them at startup under an advisory lock (docs/postgres.md).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/postgres-schema.ts',
  out: './src/db/migrations-postgres',
});
