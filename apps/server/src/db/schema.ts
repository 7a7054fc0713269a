import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

// Timestamps are integer milliseconds since the epoch (drizzle maps them to Date). Ids are random text.

/** Gateway users: the people who sign in to this gateway (not upstream accounts). */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  /** Stored lower-cased and trimmed; unique. */
  email: text('email').notNull().unique(),
  /** `scrypt$N$r$p$salt$hash`, see domain/accounts/hash-password.ts. */
  passwordHash: text('password_hash').notNull(),
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Server-side sign-in sessions. The cookie carries a random secret; only its SHA-256 is stored, so a copy of the
 * database cannot be replayed as a cookie.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Synchronizer token for CSRF protection; useless without the session cookie. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    /** Absolute end of the session, whatever its use. */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    userAgent: text('user_agent'),
    ipAddress: text('ip_address'),
  },
  (table) => [index('sessions_user_id_idx').on(table.userId), index('sessions_expires_at_idx').on(table.expiresAt)],
);

/** Gateway API keys for programs. Only a SHA-256 of the key is stored; the key is high-entropy. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    /** The public part of the key (the characters after `gwk_`), used to look it up. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
  },
  (table) => [index('api_keys_user_id_idx').on(table.userId)],
);

/** Security-relevant events (sign-ins, key changes, user changes). Never holds secrets. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [index('audit_log_created_at_idx').on(table.createdAt)],
);
