import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** One ledger row to seed; times are relative to now, the rest as `usage_events` stores it (camelCase here). */
export type SeedUsageEvent = {
  hoursAgo: number;
  callerKind: 'session' | 'api-key' | 'app' | 'mcp';
  apiKeyId?: string | null;
  route: string;
  feature?: string | null;
  provider: string | null;
  model: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  durationMs: number;
  status: number;
  errorCode?: string | null;
  fallbackFrom?: string | null;
  isSubscription: boolean;
  apiPriceMicros?: number | null;
};

/**
 * Writes ledger rows straight into a running gateway's SQLite file (WAL mode: the server sees them on its next
 * read), for specs that need usage without driving every request through the fakes. Columns as in
 * apps/server/src/db/schema.ts (`usage_events`).
 */
export function seedUsageEvents(dataDir: string, userId: string, events: SeedUsageEvent[]): void {
  const database = new DatabaseSync(join(dataDir, 'gateway.db'));
  try {
    database.exec('PRAGMA busy_timeout = 5000');
    const insert = database.prepare(
      `INSERT INTO usage_events (id, created_at, user_id, caller_kind, api_key_id, app_client_id, route, feature,
         provider, model, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, first_token_ms,
         duration_ms, status, error_code, fallback_from, is_subscription, api_price_micros, price_version)
       VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const now = Date.now();
    for (const event of events) {
      const isOk = event.errorCode == null;
      insert.run(
        randomUUID(),
        now - Math.round(event.hoursAgo * 3_600_000),
        userId,
        event.callerKind,
        event.apiKeyId ?? null,
        event.route,
        event.feature ?? null,
        event.provider,
        event.model,
        event.inputTokens ?? null,
        event.outputTokens ?? null,
        isOk ? Math.min(event.durationMs, 250) : null,
        event.durationMs,
        event.status,
        event.errorCode ?? null,
        event.fallbackFrom ?? null,
        event.isSubscription ? 1 : 0,
        event.apiPriceMicros ?? null,
        event.apiPriceMicros == null ? null : 'e2e-seed',
      );
    }
  } finally {
    database.close();
  }
}
