import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { RateLimitSnapshot } from '@pag/providers';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayDatabase } from '../../../db/open-database.ts';
import { connections } from '../../../db/schema.ts';
import { openTestDatabase } from '../../../test/open-test-database.ts';
import { createUser } from '../../accounts/create-user.ts';
import { ChatgptTokenManager } from '../../connections/chatgpt-token-manager.ts';
import { createConnectionsContext } from '../../connections/connections-context.ts';
import type { ConnectionRef } from '../../connections/list-connection-refs.ts';
import { openGatewayVault } from '../../vault/open-gateway-vault.ts';
import { createChatgptBinding } from './chatgpt-binding.ts';

// Issue 22: every Codex answer reports the account's limits, and the binding keeps them on the connection. An
// unchanged snapshot is not written again within a minute; the comparison is field by field (serialising every
// snapshot to compare it was a visible cost of each answer), so these hold it to what the JSON written carries.

let db: GatewayDatabase;
let clock: number;
let stored: RateLimitSnapshot[];
let binding: ReturnType<typeof createChatgptBinding>;
let connection: ConnectionRef;

beforeEach(async () => {
  db = await openTestDatabase();
  clock = 1_796_000_000_000;
  stored = [];
  const vault = await openGatewayVault({ db, envKey: randomBytes(32), keyFilePath: join('/nonexistent', 'key') });
  const context = createConnectionsContext({
    config: {
      openaiAuthUrl: 'http://127.0.0.1:9/auth',
      codexRedirectUri: 'http://localhost:1455/auth/callback',
      codexRefreshWindowMs: 60_000,
      publicUrl: new URL('http://127.0.0.1:9'),
      googleAuthUrl: 'http://127.0.0.1:9/google/auth',
      googleTokenUrl: 'http://127.0.0.1:9/google/token',
      googleRevokeUrl: 'http://127.0.0.1:9/google/revoke',
    },
    db,
    vault,
    now: () => clock,
  });
  binding = createChatgptBinding({
    context,
    tokens: new ChatgptTokenManager(context),
    settings: {
      backendUrl: 'http://127.0.0.1:9/backend-api',
      originator: 'test',
      userAgent: 'test',
      clientVersion: '0.0.0',
      firstByteTimeoutMs: 1_000,
      onRateLimitsStored: (_userId, snapshot) => stored.push(snapshot),
    },
    log: { warn: () => {} },
  });
  const user = await createUser(
    { db, now: Date.now },
    { email: 'limits@home.test', password: 'x'.repeat(12), isAdmin: false },
  );
  const id = randomUUID();
  const now = new Date(clock);
  await db.insert(connections).values({
    ...{ id, userId: user.id, provider: 'chatgpt', method: 'paste', accountId: 'account-1' },
    ...{ accessTokenCiphertext: 'a', refreshTokenCiphertext: 'r', state: 'connected' },
    ...{ connectedAt: now, updatedAt: now },
  });
  connection = {
    id,
    userId: user.id,
    provider: 'chatgpt',
    accountId: 'account-1',
    state: 'connected',
    stateReason: null,
  };
});
afterEach(async () => {
  await db.$close();
});

/** A snapshot as the header parser builds it: new objects and new dates on every answer. */
const snapshot = (usedPercent: number): RateLimitSnapshot => ({
  primary: { usedPercent, windowMinutes: 300, resetsAt: new Date(1_796_013_873_000) },
  secondary: { usedPercent: 34, windowMinutes: 10_080, resetsAt: new Date(1_796_316_705_000) },
  credits: { hasCredits: false, unlimited: false, balance: '0' },
  planType: 'plus',
  activeLimit: 'codex',
});

/** What one answer does with its snapshot; resolves once a write it started (if any) has landed. */
async function answerReports(report: RateLimitSnapshot): Promise<void> {
  const before = stored.length;
  binding
    .codexSettings({ userId: connection.userId, connection, modelId: 'gpt-5.5', conversationId: 'c', log: undefined })
    .onRateLimits?.(report);
  // The write runs beside the answer; give it the turns it needs, bounded.
  for (let turn = 0; turn < 50 && stored.length === before; turn += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function storedRow() {
  const [row] = await db
    .select({ rateLimits: connections.rateLimits, rateLimitsAt: connections.rateLimitsAt })
    .from(connections)
    .where(eq(connections.id, connection.id));
  return row;
}

describe('issue 22: the rate-limit snapshots kept on the connection', () => {
  it('issue 22: writes a snapshot once, not again while it is unchanged, and again when a field changed', async () => {
    await answerReports(snapshot(12));
    expect(stored).toHaveLength(1);
    expect((await storedRow())?.rateLimitsAt?.getTime()).toBe(clock);

    clock += 30_000;
    await answerReports(snapshot(12));
    expect(stored).toHaveLength(1);
    expect((await storedRow())?.rateLimitsAt?.getTime()).toBe(clock - 30_000);

    clock += 1_000;
    await answerReports(snapshot(13));
    expect(stored).toHaveLength(2);
    const row = await storedRow();
    expect(row?.rateLimitsAt?.getTime()).toBe(clock);
    expect(row?.rateLimits).toMatchObject({
      primary: { usedPercent: 13, resetsAt: new Date(1_796_013_873_000).toISOString() },
    });
  });

  it('issue 22: writes an unchanged snapshot again once a minute, so its time says how fresh it is', async () => {
    await answerReports(snapshot(12));
    clock += 59_999;
    await answerReports(snapshot(12));
    expect(stored).toHaveLength(1);
    clock += 1;
    await answerReports(snapshot(12));
    expect(stored).toHaveLength(2);
    expect((await storedRow())?.rateLimitsAt?.getTime()).toBe(clock);
  });
});

describe('issue 22: forgetting a user', () => {
  it("issue 22: a forgotten user's next snapshot is written even when it is unchanged", async () => {
    await answerReports(snapshot(12));
    binding.forgetUser?.('someone-else');
    await answerReports(snapshot(12));
    expect(stored).toHaveLength(1);
    binding.forgetUser?.(connection.userId);
    await answerReports(snapshot(12));
    expect(stored).toHaveLength(2);
  });
});
