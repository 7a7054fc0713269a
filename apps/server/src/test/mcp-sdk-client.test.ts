import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthRecords } from '../db/schema.ts';
import { deleteUser } from '../domain/accounts/delete-user.ts';
import { connectMcpWithOAuth, type McpClientAuthMethod } from './connect-mcp-with-oauth.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

/** The SDK's whole OAuth dance against the test gateway, approved by `user` in the browser. */
function connectWithOAuth(gateway: AiTestGateway, user: AiTestUser, authMethod: McpClientAuthMethod) {
  return connectMcpWithOAuth(new URL(`${gateway.url}/mcp`), user.session, authMethod);
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

describe('issue 8: the official MCP SDK client end to end over real HTTP', () => {
  let gateway: AiTestGateway;
  let alice: AiTestUser;

  beforeAll(async () => {
    gateway = await startAiTestGateway({ shouldEcho: true });
    alice = await gateway.addUser({ email: 'alice@gateway.test', chatgptAccount: 'alice@example.com' });
  });
  afterAll(async () => {
    await gateway.close();
  });

  for (const authMethod of ['none', 'client_secret_basic'] as const) {
    it(`${authMethod === 'none' ? 'public' : 'confidential'} client: discovery, DCR, PKCE, consent, token, tools, ask through the Codex fake`, async () => {
      const { client, transport, provider, consent } = await connectWithOAuth(gateway, alice, authMethod);
      try {
        // What the consent page showed, and what came back: a code, the state, and our issuer (RFC 9207).
        expect(consent.view?.clientName).toBe(`SDK test client (${authMethod})`);
        expect(consent.view?.redirectHost).toBe('127.0.0.1:47891');
        expect(consent.callbackUrl.searchParams.get('iss')).toBe(`${gateway.url}/oauth`);
        const information = provider.clientInformation() as { client_secret?: string };
        expect(information.client_secret != null).toBe(authMethod !== 'none');
        expect(provider.tokens()?.refresh_token).toBeTruthy();

        const tools = await client.listTools();
        expect(tools.tools.map((tool) => tool.name).sort()).toEqual(['ask', 'list_models', 'usage']);

        const before = gateway.fakeCodex.exchanges.length;
        const answer = (await client.callTool({
          name: 'ask',
          arguments: { prompt: `hello over MCP (${authMethod})` },
        })) as CallToolResult;
        expect(answer.isError).toBeFalsy();
        expect(textOf(answer)).toBe(`echo: hello over MCP (${authMethod})`);
        expect(answer.structuredContent).toMatchObject({ provider: 'chatgpt' });
        // The Codex backend saw the user's own ChatGPT account token, never the MCP client's OAuth token.
        const upstream = gateway.fakeCodex.exchanges.slice(before);
        expect(upstream).toHaveLength(1);
        const aliceAccount = gateway.fakeAuth.accounts.find((account) => account.email === 'alice@example.com');
        expect(upstream[0]?.accountId).toBe(aliceAccount?.chatgptAccountId);
        const upstreamAuthorization = upstream[0]?.request?.headers.authorization ?? '';
        expect(upstreamAuthorization).toMatch(/^Bearer /);
        expect(upstreamAuthorization).not.toContain(provider.tokens()?.access_token ?? 'missing');

        const models = (await client.callTool({ name: 'list_models', arguments: {} })) as CallToolResult;
        expect(models.isError).toBeFalsy();
        expect((models.structuredContent as { models: { provider: string }[] }).models[0]?.provider).toBe('chatgpt');

        const usage = (await client.callTool({ name: 'usage', arguments: {} })) as CallToolResult;
        expect((usage.structuredContent as { connections: { provider: string; state: string }[] }).connections).toEqual(
          [expect.objectContaining({ provider: 'chatgpt', state: 'connected' })],
        );
      } finally {
        await transport.terminateSession().catch(() => undefined);
        await client.close();
      }
    });
  }

  it('streams progress for ask when the client asks for it', async () => {
    const { client, transport } = await connectWithOAuth(gateway, alice, 'none');
    try {
      const progress: { progress: number; message?: string | undefined }[] = [];
      const answer = (await client.callTool({ name: 'ask', arguments: { prompt: 'progress please' } }, undefined, {
        onprogress: (update) => progress.push(update),
      })) as CallToolResult;
      expect(textOf(answer)).toBe('echo: progress please');
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.map((update) => update.message ?? '').join('')).toBe('echo: progress please');
      expect(progress.at(-1)?.progress).toBe('echo: progress please'.length);
    } finally {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }
  });

  it('issue 19: each ask is one usage-ledger row for the MCP client, with the fake’s counts; other tools none', async () => {
    const { client, transport, provider } = await connectWithOAuth(gateway, alice, 'none');
    // This client's rows only: earlier tests' asks may still be on their way to the table.
    const ledgerRows = () =>
      gateway.test.db.all<Record<string, unknown>>(
        sql`select * from usage_events where route = '/mcp' and app_client_id = ${provider.clientInformation()?.client_id ?? null}`,
      );
    try {
      gateway.fakeCodex.enqueueScenarios({
        kind: 'stream',
        echo: true,
        usage: { inputTokens: 131, cachedTokens: 31, outputTokens: 41, reasoningTokens: 11 },
      });
      const answer = (await client.callTool({ name: 'ask', arguments: { prompt: 'count me' } })) as CallToolResult;
      expect(answer.isError).toBeFalsy();
      await client.callTool({ name: 'list_models', arguments: {} });
      await expect.poll(async () => (await ledgerRows()).length, { timeout: 5_000, interval: 50 }).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const rows = await ledgerRows();
      expect(rows).toEqual([
        expect.objectContaining({
          user_id: alice.userId,
          caller_kind: 'mcp',
          api_key_id: null,
          app_client_id: provider.clientInformation()?.client_id,
          provider: 'chatgpt',
          input_tokens: 131,
          cached_input_tokens: 31,
          output_tokens: 41,
          reasoning_tokens: 11,
          status: 200,
          error_code: null,
        }),
      ]);
      expect(JSON.stringify(rows)).not.toContain('count me');
    } finally {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    }
  });

  it('binds a session to its user: another user’s token cannot use it', async () => {
    const bob = await gateway.addUser({ email: 'bob@gateway.test', chatgptAccount: 'bob@example.com' });
    const aliceSide = await connectWithOAuth(gateway, alice, 'none');
    const bobSide = await connectWithOAuth(gateway, bob, 'none');
    try {
      const sessionId = aliceSide.transport.sessionId;
      expect(sessionId).toBeTruthy();
      const hijack = await fetch(`${gateway.url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${bobSide.provider.tokens()?.access_token}`,
          'mcp-session-id': sessionId ?? '',
          'mcp-protocol-version': '2025-11-25',
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
      });
      expect(hijack.status).toBe(404);
      // Alice's own session still works.
      expect((await aliceSide.client.listTools()).tools).toHaveLength(3);
    } finally {
      for (const side of [aliceSide, bobSide]) {
        await side.transport.terminateSession().catch(() => undefined);
        await side.client.close();
      }
    }
  });

  it('signing out of the gateway does not revoke an app; deleting the user does', async () => {
    const carol = await gateway.addUser({ email: 'carol@gateway.test', chatgptAccount: 'carol@example.com' });
    const { client, transport } = await connectWithOAuth(gateway, carol, 'none');
    try {
      const signOut = await gateway.sessionRequest(carol, 'POST', '/api/auth/logout');
      expect(signOut.status).toBeLessThan(300);
      expect((await client.listTools()).tools).toHaveLength(3);
      await deleteUser(gateway.test.connections, 'carol@gateway.test');
      await expect(client.listTools()).rejects.toThrow();
      const [left] = await gateway.test.db
        .select({ count: count() })
        .from(oauthRecords)
        .where(eq(oauthRecords.userId, carol.userId));
      expect(left?.count).toBe(0);
    } finally {
      await client.close().catch(() => undefined);
      void transport;
    }
  });

  it('revoking the app in Connected apps cuts it off at once', async () => {
    const { client, transport } = await connectWithOAuth(gateway, alice, 'none');
    try {
      const listed = await gateway.sessionRequest(alice, 'GET', '/api/connected-apps');
      const { apps } = (await listed.json()) as { apps: { grantId: string; clientName: string | null }[] };
      expect(apps.length).toBeGreaterThan(0);
      const latest = apps[0];
      expect(latest?.clientName).toBe('SDK test client (none)');
      expect((await client.listTools()).tools).toHaveLength(3);

      const revoked = await gateway.sessionRequest(alice, 'DELETE', `/api/connected-apps/${latest?.grantId}`);
      expect(revoked.status).toBe(200);
      await expect(client.listTools()).rejects.toThrow();
    } finally {
      await client.close().catch(() => undefined);
      void transport;
    }
  });
});
