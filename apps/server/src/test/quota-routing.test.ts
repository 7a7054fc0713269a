import type { QuotaAnswer } from '@pag/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 19 acceptance over real HTTP on loopback: the quota meters' data comes from the subscription's usage
// endpoint without any chat request, and a key's routing rules send its requests where the quota says.
let gateway: AiTestGateway;
/** Each fake ChatGPT account serves one user; the tests share them. */
const users = new Map<string, Promise<AiTestUser>>();
function userWith(account: string, extra: { openaiKey?: string; fallbackToApiKeys?: boolean } = {}) {
  let user = users.get(account);
  if (user == null) {
    user = gateway.addUser({ email: `quota-${account}`, chatgptAccount: account, ...extra });
    users.set(account, user);
  }
  return user;
}

beforeAll(async () => {
  gateway = await startAiTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
  gateway.fakeOpenAi.reset();
});

async function quotaOf(user: AiTestUser): Promise<QuotaAnswer> {
  const response = await gateway.sessionRequest(user, 'GET', '/api/usage/quota');
  expect(response.status).toBe(200);
  return (await response.json()) as QuotaAnswer;
}

/** The models the Codex fake was asked for, in order. */
const codexModels = () =>
  gateway.fakeCodex.exchanges.map((exchange) => (exchange.request?.json as { model?: string } | undefined)?.model);

describe('issue 19: live quota', () => {
  it('issue 19: right after connecting, with no chat request, the quota answer has the windows of the usage endpoint', async () => {
    const user = await userWith('alice@example.com');
    gateway.fakeCodex.setRateLimits({ primaryUsedPercent: 41, secondaryUsedPercent: 7 });

    const quota = await quotaOf(user);

    expect(gateway.fakeCodex.exchanges).toHaveLength(0);
    expect(gateway.fakeCodex.usageRequests).toBe(1);
    expect(quota).toMatchObject({
      source: 'usage-endpoint',
      planType: 'plus',
      windows: [
        { window: '5h', usedPercent: 41, windowMinutes: 300 },
        { window: 'weekly', usedPercent: 7, windowMinutes: 10_080 },
      ],
    });
    expect(quota.history.map((point) => point.fiveHourUsedPercent)).toEqual([41]);
    // Asked again within a minute (the settings page polls): the stored reading, no second request upstream.
    expect((await quotaOf(user)).windows[0]?.usedPercent).toBe(41);
    expect(gateway.fakeCodex.usageRequests).toBe(1);
    // The connections list (the settings page's meters) shows the same windows.
    const list = await gateway.sessionRequest(user, 'GET', '/api/connections');
    expect(await list.json()).toMatchObject({
      connections: [
        { provider: 'chatgpt', rateLimits: { primary: { usedPercent: 41 }, secondary: { usedPercent: 7 } } },
      ],
    });
  });

  it('issue 19: a failing or reshaped usage endpoint keeps the header snapshot', async () => {
    const user = await userWith('bob@example.com');
    gateway.fakeCodex.setRateLimits({ primaryUsedPercent: 55 });
    // A chat answer stores its x-codex-* headers; then the endpoint breaks and changes shape.
    expect((await user.client.chat({ content: 'hello', model: 'chatgpt/gpt-5.5' })).provider).toBe('chatgpt');
    const connectionId = (
      (await (await gateway.sessionRequest(user, 'GET', '/api/connections')).json()) as {
        connections: { id: string }[];
      }
    ).connections[0]?.id;
    expect(connectionId).toBeDefined();
    // Age the header snapshot past the minute so the quota route asks the endpoint.
    await gateway.test.connections.db.run(
      sql`update connections set rate_limits_at = rate_limits_at - 120000 where id = ${connectionId}`,
    );
    gateway.fakeCodex.failUsage({ kind: 'shape', times: 1 });
    gateway.fakeCodex.setRateLimits({ primaryUsedPercent: 99 });

    const quota = await quotaOf(user);

    expect(gateway.fakeCodex.usageRequests).toBe(1);
    expect(quota).toMatchObject({
      source: 'headers',
      windows: [{ window: '5h', usedPercent: 55 }, { window: 'weekly' }],
    });
    // The history has the answer's header snapshot, and nothing from the reshaped reading.
    expect(quota.history.map(({ source, fiveHourUsedPercent }) => ({ source, fiveHourUsedPercent }))).toEqual([
      { source: 'headers', fiveHourUsedPercent: 55 },
    ]);
  });
});

describe('issue 19: quota-aware routing', () => {
  it('issue 19: a key set to subscription only at 95 % usage with a threshold rule is routed as the rule says', async () => {
    const user = await userWith('carol@example.com', {
      openaiKey: 'sk-test-carol-00000000002',
      fallbackToApiKeys: true,
    });
    gateway.fakeCodex.setRateLimits({ primaryUsedPercent: 95 });
    const created = await gateway.sessionRequest(user, 'POST', '/api/keys', {
      name: 'headroom',
      policy: {
        allowedModels: null,
        subscriptionOnly: true,
        allowedOrigins: [],
        routing: {
          mode: 'subscription-only',
          thresholds: [
            // Ignored for this key: a paid model under "subscription only" (the router says why in its plan).
            { window: '5h', abovePercent: 90, useModel: 'openai/gpt-4.1' },
            { window: '5h', abovePercent: 90, useModel: 'chatgpt/gpt-5.4-mini' },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    const { secret, key } = (await created.json()) as { secret: string; key: { policy: { routing?: unknown } } };
    expect(key.policy.routing).toMatchObject({ mode: 'subscription-only' });

    const answer = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'hi' }] }),
    });

    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { model: string }).model).toBe('chatgpt/gpt-5.4-mini');
    // The quota came from the usage endpoint (nothing was stored yet), and the Codex fake got the rule's model.
    expect(gateway.fakeCodex.usageRequests).toBe(1);
    expect(codexModels()).toEqual(['gpt-5.4-mini']);
    expect(gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST')).toHaveLength(0);

    // The window empties: the next answer's x-codex-* headers say so (it was routed on the fresh 95 %), and the
    // request after it keeps its own model, without another reading of the usage endpoint.
    gateway.fakeCodex.setRateLimits({ primaryUsedPercent: 20 });
    for (const content of ['hi again', 'and again']) {
      const next = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content }] }),
      });
      expect(next.status).toBe(200);
    }
    expect(codexModels()).toEqual(['gpt-5.4-mini', 'gpt-5.4-mini', 'gpt-5.5']);
    expect(gateway.fakeCodex.usageRequests).toBe(1);
  });

  it('issue 19: a key\'s rules are kept by a policy saved without them and removed by "no rule"', async () => {
    const user = await userWith('carol@example.com', {
      openaiKey: 'sk-test-carol-00000000002',
      fallbackToApiKeys: true,
    });
    const base = { allowedModels: null, subscriptionOnly: false, allowedOrigins: [] };
    const routing = {
      mode: 'prefer-subscription',
      thresholds: [{ window: 'weekly', abovePercent: 50, useModel: 'chatgpt/gpt-5.4' }],
    };
    const created = await gateway.sessionRequest(user, 'POST', '/api/keys', {
      name: 'kept',
      policy: { ...base, routing },
    });
    const { key } = (await created.json()) as { key: { id: string } };
    const patch = (policy: unknown) => gateway.sessionRequest(user, 'PATCH', `/api/keys/${key.id}`, { policy });

    const withoutRules = await patch({ ...base, subscriptionOnly: true });
    expect(await withoutRules.json()).toMatchObject({ policy: { subscriptionOnly: true, routing } });
    const cleared = await patch({ ...base, routing: { mode: 'default', thresholds: [] } });
    expect(await cleared.json()).toMatchObject({ policy: { routing: { mode: 'default', thresholds: [] } } });
    const invalid = await patch({
      ...base,
      routing: { mode: 'default', thresholds: [{ window: '1h', abovePercent: 90, useModel: 'x' }] },
    });
    expect(invalid.status).toBe(400);
  });

  it("issue 19: a feature's threshold rule applies to note-app requests of that feature", async () => {
    const user = await userWith('alice@example.com');
    gateway.fakeCodex.setRateLimits({ secondaryUsedPercent: 80 });
    // Whatever an earlier test stored is older than the routing's five minutes: read again before routing.
    await gateway.test.connections.db.run(
      sql`update connections set rate_limits_at = rate_limits_at - 600000 where user_id = ${user.userId}`,
    );
    const saved = await gateway.sessionRequest(user, 'PUT', '/api/ai/features/summarize', {
      prompt: null,
      model: 'chatgpt/gpt-5.5',
      routing: { mode: 'default', thresholds: [{ window: 'weekly', abovePercent: 75, useModel: 'chatgpt/gpt-5.4' }] },
    });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ routing: { thresholds: [{ useModel: 'chatgpt/gpt-5.4' }] } });

    const answer = await user.client.chat({ content: 'a long note', feature: 'summarize' });

    expect(answer.model).toBe('chatgpt/gpt-5.4');
    expect(codexModels()).toEqual(['gpt-5.4']);
  });
});
