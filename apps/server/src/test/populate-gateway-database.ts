import { sql } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { GatewayDatabase } from '../db/open-database.ts';
import * as schema from '../db/schema.ts';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import { startChatgptSignIn } from '../domain/connections/start-chatgpt-sign-in.ts';
import { createFeature } from '../domain/features/create-feature.ts';
import { updateFeature } from '../domain/features/update-feature.ts';
import { recordPlaygroundAnswer } from '../domain/getting-started/record-playground-answer.ts';
import { saveGoogleClient } from '../domain/google/save-google-client.ts';
import { replaceModelAliases } from '../domain/model-aliases/replace-model-aliases.ts';
import { registerAppClient } from '../domain/oauth-server/register-app-client.ts';
import { updateOperatorSettings } from '../domain/operator/operator-settings.ts';
import { acquireLease } from '../domain/replicas/lease.ts';
import { recordAuditEvent } from '../domain/security/record-audit-event.ts';
import { updateUserSettings } from '../domain/settings/update-user-settings.ts';
import { replaceCustomPrices } from '../domain/usage/custom-prices.ts';
import { UsageLedger } from '../domain/usage/usage-ledger.ts';
import { signIn, TEST_PASSWORD } from './build-test-app.ts';
import { seedChatgptConnection } from './seed-chatgpt-connection.ts';
import type { AiTestGateway } from './start-ai-test-gateway.ts';
import { FAKE_CHATGPT_ACCOUNTS, FAKE_GEMINI_KEYS, FAKE_OPENAI_KEYS } from './start-ai-test-gateway.ts';

/** More rows than `gateway db copy` reads or writes at once (500), so the copy crosses batches. */
const USAGE_ROWS = 1_203;
const AUDIT_ROWS = 640;

export type PopulatedGateway = {
  /** The owner's gateway API key (`gwk_…`) and the access token of their ChatGPT connection. */
  apiKey: string;
  accessToken: string;
  /** Bob's gateway API key: Bob has no ChatGPT connection, only a saved Gemini key. */
  bobApiKey: string;
  ownerId: string;
};

/**
 * Fills every table of a gateway the way the gateway itself writes them (its routes and domain functions): users,
 * sessions, API keys with a caller policy, a ChatGPT connection, saved API keys, settings, features, a Google OAuth
 * client, a registered app (OAuth records), usage rows and audit-log entries past one copy batch, quota snapshots,
 * a sign-in flow, rate-limit counters, a failed sign-in, a lease. Secrets are encrypted under the app's vault.
 * Only `app_policies` and `quota_snapshots` are written directly: their domain paths need an OAuth grant or a quota
 * reading first. Every table holds a row afterwards (`expectEveryTableFilled`), so equal counts mean something.
 */
export async function populateGatewayDatabase(gateway: AiTestGateway): Promise<PopulatedGateway> {
  const { test } = gateway;
  const context = test.connections;
  const { user: owner, tokens } = await seedChatgptConnection({
    context,
    fake: gateway.fakeAuth,
    email: 'alice@example.com',
    account: FAKE_CHATGPT_ACCOUNTS[0],
    accessTokenTtlSeconds: 3600,
  });
  const bob = await createUser(context, { email: 'bob@example.com', password: TEST_PASSWORD, isAdmin: false });
  // Over HTTP: sessions, the login route's rate-limit counters, audit entries; the keys' validation calls the fakes.
  const ownerSession = await signIn(test, { email: owner.email, userId: owner.id, remoteAddress: '127.0.0.2' });
  const bobSession = await signIn(test, { email: bob.email, userId: bob.id, remoteAddress: '127.0.0.3' });
  const wrong = await test.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: bob.email, password: 'not the password' },
    remoteAddress: '127.0.0.4',
  });
  if (wrong.statusCode !== 401) throw new Error(`a wrong password got ${wrong.statusCode}`);
  for (const [session, provider, apiKey] of [
    [ownerSession, 'openai', FAKE_OPENAI_KEYS[0]],
    [bobSession, 'gemini', FAKE_GEMINI_KEYS[1]],
  ] as const) {
    const saved = await test.app.inject({
      method: 'PUT',
      url: `/api/credentials/${provider}`,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      payload: { apiKey, ...(provider === 'openai' ? { baseUrl: gateway.fakeOpenAi.baseUrl } : {}) },
    });
    if (saved.statusCode !== 200) throw new Error(`saving the ${provider} key failed: ${saved.body}`);
  }

  const routing = {
    mode: 'prefer-subscription' as const,
    thresholds: [{ window: '5h' as const, abovePercent: 92.5, useModel: 'openai/gpt-4.1' }],
  };
  const { secret: apiKey } = await createApiKey(context, {
    userId: owner.id,
    name: 'note app',
    policy: {
      allowedModels: ['chatgpt/*', 'openai/gpt-4.1'],
      subscriptionOnly: false,
      allowedOrigins: ['https://notes.example.com', 'http://localhost:5173'],
      routing,
    },
  });
  const { secret: bobApiKey } = await createApiKey(context, { userId: bob.id, name: 'scripts' });

  await updateUserSettings(context, {
    userId: owner.id,
    changes: { fallbackToApiKeys: true, defaultModel: 'chatgpt/gpt-5.5', fallbackProviders: ['openai', 'gemini'] },
  });
  await recordPlaygroundAnswer(context, owner.id);
  // The fakes listen on loopback: the copied gateway must keep allowing private upstreams.
  await updateOperatorSettings(context, {
    defaults: { allowPrivateUpstreams: true },
    changes: { allowPrivateUpstreams: true },
    actorUserId: owner.id,
  });
  await updateFeature(context, {
    userId: owner.id,
    name: 'summarize',
    prompt: 'Summarize in “two” lines.',
    model: null,
  });
  await createFeature(context, {
    userId: owner.id,
    feature: {
      name: 'action-items',
      prompt: 'List the action items.',
      model: 'chatgpt/gpt-5.5',
      reasoningEffort: 'low',
      schema: {
        type: 'object',
        properties: { items: { type: 'array', items: { type: 'string' } } },
        required: ['items'],
        additionalProperties: false,
      },
      routing,
    },
  });
  await saveGoogleClient(context, {
    userId: bob.id,
    clientId: '1234-abc.apps.googleusercontent.com',
    clientSecret: 'GOCSPX-test-secret-0000000000',
  });
  const app = await registerAppClient(
    { db: test.db, now: context.now, vault: test.vault },
    { name: 'Notes', redirectUris: ['https://notes.example.com/connect/callback'] },
  );
  await test.db.insert(schema.appPolicies).values({
    userId: owner.id,
    clientId: app.clientId,
    allowedModels: null,
    subscriptionOnly: true,
    allowedOrigins: ['https://notes.example.com'],
    routingRules: routing,
    updatedAt: new Date(context.now()),
  });
  await replaceCustomPrices(context, {
    userId: owner.id,
    prices: [{ model: 'openai/local-llama', input: 0.15, cachedInput: null, output: 0.6 }],
  });
  await replaceModelAliases(context, owner.id, [
    { pattern: 'claude-sonnet-*', target: 'chatgpt/gpt-5.5' },
    { pattern: 'gpt-4o', target: 'openai/gpt-4.1' },
  ]);
  for (const [index, fiveHour] of [12.5, 40, null].entries()) {
    await test.db.insert(schema.quotaSnapshots).values({
      userId: owner.id,
      observedAt: new Date(context.now() - (3 - index) * 60_000),
      source: index === 2 ? 'headers' : 'usage-endpoint',
      fiveHourUsedPercent: fiveHour,
      weeklyUsedPercent: 7.25,
    });
  }
  await startChatgptSignIn(context, {
    userId: bob.id,
    method: 'paste',
    redirectUri: 'http://127.0.0.1:1455/auth/callback',
  });
  await acquireLease(context, { name: 'cleanup', owner: 'another-host:42:abcdef01', ttlMs: 60_000 });

  const ledger = new UsageLedger({
    context,
    log: { error: (object) => console.error('usage ledger', object) },
    settings: { flushIntervalMs: 60_000, batchSize: 100_000 },
  });
  const start = context.now() - USAGE_ROWS * 1000;
  for (let index = 0; index < USAGE_ROWS; index++) {
    const isOwner = index % 3 !== 0;
    ledger.record({
      createdAt: new Date(start + index * 1000),
      userId: isOwner ? owner.id : bob.id,
      callerKind: isOwner ? 'api-key' : 'session',
      apiKeyId: null,
      appClientId: index % 7 === 0 ? app.clientId : null,
      route: '/v1/chat/completions',
      feature: null,
      provider: index % 5 === 0 ? 'openai' : 'chatgpt',
      model: index % 5 === 0 ? 'openai/gpt-4.1' : 'chatgpt/gpt-5.5',
      inputTokens: 100 + index,
      cachedInputTokens: index % 2 === 0 ? 0 : 50,
      outputTokens: 20 + (index % 13),
      reasoningTokens: index % 4 === 0 ? null : 8,
      firstTokenMs: 150 + (index % 17),
      durationMs: 900 + index,
      status: index % 11 === 0 ? 429 : 200,
      errorCode: index % 11 === 0 ? 'rate_limited' : null,
      fallbackFrom: null,
      isSubscription: index % 5 !== 0,
    });
  }
  await ledger.flush();
  if (ledger.pendingRows !== 0) throw new Error('the usage ledger kept rows back');
  for (let index = 0; index < AUDIT_ROWS; index++) {
    await recordAuditEvent(context, {
      action: 'api_key.policy_changed',
      userId: index % 2 === 0 ? owner.id : null,
      detail: { index, nested: { origins: ['https://notes.example.com'], ratio: index / 8 }, text: 'é “quoted”' },
    });
  }
  return { apiKey, bobApiKey, accessToken: tokens.accessToken, ownerId: owner.id };
}

/** schema.ts's tables, by their SQL name. */
export function gatewayTables(): { name: string; table: SQLiteTable }[] {
  return Object.values(schema).flatMap((value) => {
    try {
      return [{ name: getTableConfig(value as SQLiteTable).name, table: value as SQLiteTable }];
    } catch {
      return [];
    }
  });
}

/** Rows per table, straight from SQL (drizzle's `count()` would not show a missing table any differently). */
export async function countRows(db: GatewayDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of gatewayTables()) {
    const row = await db.get<{ n: number | string }>(sql`select count(*) as n from ${sql.identifier(name)}`);
    counts[name] = Number(row?.n);
  }
  return counts;
}

/**
 * Every row of every table as the database stores it (raw SQL, no column decoding), each row with its columns in
 * name order and the rows sorted: SQLite and PostgreSQL list columns added by later migrations in different places,
 * and order text by different collations. Two databases with equal dumps hold the same values.
 */
export async function dumpRows(db: GatewayDatabase): Promise<Record<string, string[]>> {
  const dump: Record<string, string[]> = {};
  for (const { name } of gatewayTables()) {
    const rows = await db.all<Record<string, unknown>>(sql`select * from ${sql.identifier(name)}`);
    dump[name] = rows
      .map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))))
      .sort();
  }
  return dump;
}
