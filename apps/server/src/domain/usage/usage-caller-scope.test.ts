import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { usageEvents, users } from '../../db/schema.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import { listUsageRequests } from './list-usage-requests.ts';
import { summarizeUsage } from './summarize-usage.ts';
import type { UsageCaller } from './usage-scope.ts';

// Whose rows each kind of caller reads, on the domain functions the routes call (a connected app's token is
// resolved by the OAuth server, which these tests need not run).
let db: GatewayDatabase;
const context = () => ({ db, now: () => Date.parse('2026-12-06T00:00:00Z') });
const range = { fromMs: Date.parse('2026-11-01T00:00:00Z'), toMs: Date.parse('2026-12-06T00:00:00Z') };

beforeAll(async () => {
  db = await openTestDatabase();
  const createdAt = new Date('2026-12-01T00:00:00Z');
  for (const id of ['u1', 'u2']) {
    await db
      .insert(users)
      .values({ id, email: `${id}@example.com`, passwordHash: 'x', isAdmin: false, createdAt, updatedAt: createdAt });
  }
  const row = (userId: string, extra: Partial<typeof usageEvents.$inferInsert>) => ({
    id: randomUUID(),
    createdAt,
    userId,
    callerKind: 'app',
    route: '/v1/chat/completions',
    durationMs: 1,
    status: 200,
    isSubscription: false,
    inputTokens: 1,
    ...extra,
  });
  await db
    .insert(usageEvents)
    .values([
      row('u1', { appClientId: 'notes' }),
      row('u1', { appClientId: 'notes' }),
      row('u1', { appClientId: 'other-app' }),
      row('u1', { apiKeyId: 'k1', callerKind: 'api-key' }),
      row('u2', { appClientId: 'notes' }),
    ]);
});
afterAll(async () => {
  await db?.$close();
});

describe('usage caller scope', () => {
  it.each<[string, UsageCaller, number]>([
    ["a session: all of its user's rows", { kind: 'user', userId: 'u1' }, 4],
    ['a connected app: its own rows for that user', { kind: 'app', userId: 'u1', clientId: 'notes' }, 2],
    ['an API key: its own rows', { kind: 'api-key', userId: 'u1', keyId: 'k1' }, 1],
    ["the same app for another user: only that user's", { kind: 'app', userId: 'u2', clientId: 'notes' }, 1],
  ])('issue 19: %s', async (_label, caller, expected) => {
    const summary = await summarizeUsage(context(), { caller, ...range, groupBy: 'app', timeZone: 'UTC' });
    expect(summary.totals.requests).toBe(expected);
    expect(summary.totals.inputTokens).toBe(expected);
    const listed = await listUsageRequests(context(), { caller, filters: range, limit: 500 });
    expect(listed.requests).toHaveLength(expected);
    // A filter cannot widen the scope: an app asking for another app's rows gets none.
    if (caller.kind === 'app') {
      const widened = await listUsageRequests(context(), {
        caller,
        filters: { ...range, appClientId: 'other-app' },
        limit: 500,
      });
      expect(widened.requests).toEqual([]);
    }
  });
});
