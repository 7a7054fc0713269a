import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGatewayDatabase } from '../db/open-database.ts';
import { parseApiKeyId } from '../domain/accounts/api-key-format.ts';
import { ChatgptTokenManager } from '../domain/connections/chatgpt-token-manager.ts';
import { createConnectionsContext } from '../domain/connections/connections-context.ts';
import { openGatewayVault } from '../domain/vault/open-gateway-vault.ts';
import { countDatabaseStatements, type StatementCounter } from './count-database-statements.ts';
import { gatewayProcessEnvironment } from './database-environment.ts';
import { runGatewayCli } from './run-process.ts';
import {
  type AiTestGateway,
  type AiTestUser,
  FAKE_CHATGPT_ACCOUNTS,
  FAKE_OPENAI_KEYS,
  startAiTestGateway,
} from './start-ai-test-gateway.ts';

// Issue 22's acceptance: "A revoked key is refused on its next request from the same and from another process,
// whatever is cached." The other process here is the real CLI, a process of its own on the gateway's database (the
// SQLite file, or in the PostgreSQL run the same PostgreSQL database); the gateway holds the key in its warm cache.

let gateway: AiTestGateway;
let counter: StatementCounter;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  counter = countDatabaseStatements(gateway.test.config.database);
});
afterAll(async () => {
  counter?.stop();
  await gateway?.close();
});

function cli(args: string[]) {
  return runGatewayCli({
    args,
    env: { GATEWAY_DATA_DIR: gateway.test.dataDir, ...gatewayProcessEnvironment(gateway.test) },
    cwd: gateway.test.dataDir,
  });
}

/** A `/v1` chat request of `user` for `model`, through the warm app. */
function chatAs(user: AiTestUser, model: string) {
  return gateway.test.app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${user.apiKey}` },
    payload: { model, messages: [{ role: 'user', content: 'Hi' }] },
  });
}

/** The reads a warm request made: only the cache version, whatever the route (issue 22, docs/request-cache.md). */
async function expectOnlyVersionReadWhenWarm(chat: () => ReturnType<typeof chatAs>) {
  await counter.settle();
  counter.reset();
  expect((await chat()).statusCode).toBe(200);
  expect(counter.statements.filter((statement) => /^\s*select/i.test(statement))).toEqual([
    expect.stringMatching(/from "cache_version"/),
  ]);
}

describe('issue 22: invalidation across processes', () => {
  it('issue 22: a key revoked by another process (the CLI) is refused on the next request of a warm gateway', async () => {
    const user = await gateway.addUser({ email: 'other-process@home.test', openaiKey: FAKE_OPENAI_KEYS[0] });
    const chat = () => chatAs(user, 'openai/gpt-4.1');
    expect((await chat()).statusCode).toBe(200);
    // Warm: the key, its user and the route come from memory; the database is asked for the cache version only.
    await expectOnlyVersionReadWhenWarm(chat);

    const revoked = await cli(['key', 'revoke', '--user', user.email, '--id', parseApiKeyId(user.apiKey) ?? '']);
    expect(revoked, revoked.stderr).toMatchObject({ code: 0 });

    const after = await chat();
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('invalid_api_key');
  }, 60_000);

  // The ChatGPT token row is cached too (its tokens move the cache version). Another process — a replica, here a
  // second database connection with the gateway's key — refreshes the tokens; the warm gateway's next request must
  // send the new access token, read afresh, without refreshing itself.
  it('issue 22: a ChatGPT token refreshed by another process is the one the next request of a warm gateway sends', async () => {
    const user = await gateway.addUser({
      email: 'tokens-other-process@home.test',
      chatgptAccount: FAKE_CHATGPT_ACCOUNTS[0],
    });
    const chat = () => chatAs(user, 'chatgpt/gpt-5.5');
    const sentToken = () => gateway.fakeCodex.exchanges.at(-1)?.request?.headers.authorization;
    expect((await chat()).statusCode).toBe(200);
    const firstToken = sentToken();
    expect(firstToken).toMatch(/^Bearer /);
    // Warm: the token row comes from memory too.
    await expectOnlyVersionReadWhenWarm(chat);
    expect(sentToken()).toBe(firstToken);

    const { config } = gateway.test;
    const otherDb = await openGatewayDatabase(config.database);
    try {
      const vault = await openGatewayVault({
        db: otherDb,
        envKey: config.encryptionKey,
        keyFilePath: config.keyFilePath,
      });
      const other = new ChatgptTokenManager(createConnectionsContext({ config, db: otherDb, vault }));
      const refreshed = await other.getAccessToken(user.userId, {
        rejectedAccessToken: firstToken?.slice('Bearer '.length),
      });
      expect(`Bearer ${refreshed.accessToken}`).not.toBe(firstToken);
      const tokenRequests = () => gateway.fakeAuth.requests.filter((request) => request.path === '/oauth/token').length;
      const refreshesBefore = tokenRequests();

      expect((await chat()).statusCode).toBe(200);
      expect(sentToken()).toBe(`Bearer ${refreshed.accessToken}`);
      expect(tokenRequests()).toBe(refreshesBefore);
    } finally {
      await otherDb.$close();
    }
  }, 60_000);
});
