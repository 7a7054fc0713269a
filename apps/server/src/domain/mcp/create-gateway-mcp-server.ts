import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { reasoningEffortSchema, UNRESTRICTED_POLICY } from '@pag/contracts';
import type { LanguageModelV3StreamPart } from '@pag/providers';
import { z } from 'zod';
import { listConnections } from '../connection-list/list-connections.ts';
import { listApiCredentialRows } from '../credentials/list-api-credentials.ts';
import type { DomainContext } from '../domain-context.ts';
import type { AiGateway } from '../gateway/ai-gateway.ts';
import { GATEWAY_VERSION } from '../gateway-identity.ts';
import { collectChatResponse } from '../note-app/collect-chat-response.ts';
import type { UsageLedger } from '../usage/usage-ledger.ts';
import { UsageTracker } from '../usage/usage-tracker.ts';

export type McpToolDependencies = {
  context: DomainContext;
  gateway: AiGateway;
  /** Each `ask` is a row of the usage ledger (route `/mcp`, the MCP client as the caller). */
  usage: UsageLedger;
  /** Turns any failure into the gateway's error vocabulary (code, message, retry hint). */
  describeError: (error: unknown) => { code: string; message: string; retryAfterSeconds?: number | undefined };
};

/** Progress notifications carry text as it arrives, at most this often, so a long answer is not a message flood. */
const PROGRESS_INTERVAL_MS = 250;

const usageSchema = z
  .object({
    inputTokens: z.number().nullable(),
    outputTokens: z.number().nullable(),
    reasoningTokens: z.number().nullable(),
    totalTokens: z.number().nullable(),
  })
  .nullable();

const rateLimitWindowSchema = z
  .object({ usedPercent: z.number().nullable(), windowMinutes: z.number().nullable(), resetsAt: z.string().nullable() })
  .nullable();

/**
 * The gateway's MCP server for one signed-in user: `ask`, `list_models`, `usage`. Every tool runs as that user
 * through the same router as the note-app and OpenAI-compatible APIs, with the user's own upstream accounts;
 * the MCP client's OAuth token never leaves this process (it is not an upstream credential).
 */
export function createGatewayMcpServer(
  dependencies: McpToolDependencies,
  caller: { userId: string; clientId: string | null },
): McpServer {
  const { context, gateway, describeError } = dependencies;
  const { userId } = caller;
  const server = new McpServer(
    { name: 'personal-ai-gateway', title: 'Personal AI Gateway', version: GATEWAY_VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        'Tools of the user’s self-hosted AI gateway. `ask` answers with the user’s own models (ChatGPT subscription, ' +
        'Gemini, API keys) routed by their settings; `list_models` shows the ids `ask` accepts; `usage` shows quota.',
    },
  );

  const failure = (error: unknown): CallToolResult => {
    const described = describeError(error);
    const retry = described.retryAfterSeconds == null ? '' : ` Retry after ${described.retryAfterSeconds} s.`;
    return { isError: true, content: [{ type: 'text', text: `${described.message} (${described.code}).${retry}` }] };
  };

  server.registerTool(
    'ask',
    {
      title: 'Ask a model',
      description:
        'Send a prompt to one of the user’s models through the gateway and return the answer. Without `model` the ' +
        'user’s default model answers; ids come from `list_models` (e.g. "chatgpt/gpt-5.4").',
      inputSchema: {
        prompt: z.string().min(1).max(200_000).describe('What to ask'),
        model: z.string().min(1).max(200).optional().describe('A model id from list_models; the default when omitted'),
        system: z.string().max(50_000).optional().describe('Instructions for the model'),
        reasoning_effort: reasoningEffortSchema.optional().describe('How hard a reasoning model thinks'),
      },
      outputSchema: { text: z.string(), model: z.string(), provider: z.string(), usage: usageSchema },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      // The tool call, not the HTTP request carrying it, is the request that asked a model.
      const row = new UsageTracker(
        dependencies.usage,
        { userId, callerKind: 'mcp', apiKeyId: null, appClientId: caller.clientId, route: '/mcp' },
        context.now,
      );
      try {
        const chat = await gateway.startChat({
          userId,
          // An MCP client acts with the user's consent for the tools, and has no caller policy of its own (yet).
          policy: UNRESTRICTED_POLICY,
          request: {
            content: args.prompt,
            ...(args.model == null ? {} : { model: args.model }),
            ...(args.system == null ? {} : { system: args.system }),
            ...(args.reasoning_effort == null ? {} : { reasoning: { effort: args.reasoning_effort } }),
          },
          abortSignal: extra.signal,
        });
        row.answeredBy(chat);
        const progressToken = extra._meta?.progressToken;
        const parts =
          progressToken == null
            ? chat.parts
            : reportProgress(chat.parts, (progress, message) =>
                extra.sendNotification({
                  method: 'notifications/progress',
                  params: { progressToken, progress, message },
                }),
              );
        const answer = await collectChatResponse(parts, { provider: chat.provider, model: chat.model });
        row.tokens(answer.usage);
        row.finish(200);
        const usage =
          answer.usage == null
            ? null
            : {
                inputTokens: answer.usage.inputTokens,
                outputTokens: answer.usage.outputTokens,
                reasoningTokens: answer.usage.reasoningTokens,
                totalTokens: answer.usage.totalTokens,
              };
        return {
          content: [{ type: 'text', text: answer.content }],
          structuredContent: { text: answer.content, model: answer.model, provider: answer.provider, usage },
        };
      } catch (error) {
        // The JSON-RPC answer is a 200 with `isError`; a client that left is 499 as everywhere.
        if (!extra.signal.aborted) row.fail(describeError(error).code, error);
        row.finish(extra.signal.aborted ? 499 : 200);
        return failure(error);
      }
    },
  );

  server.registerTool(
    'list_models',
    {
      title: 'List models',
      description:
        'The user’s merged model catalogue across connected providers (subscription first), with the quota of ' +
        'the provider where it reports one.',
      outputSchema: {
        models: z.array(
          z.object({
            id: z.string(),
            provider: z.string(),
            displayName: z.string(),
            reasoningEfforts: z.array(z.string()),
            limits: z.object({ primary: rateLimitWindowSchema, secondary: rateLimitWindowSchema }).nullable(),
          }),
        ),
      },
      annotations: { readOnlyHint: true },
    },
    async () => {
      try {
        const limitsByProvider = new Map(
          (await listConnections(context, userId))
            .filter((connection) => connection.rateLimits != null)
            .map((connection) => [connection.provider as string, connection.rateLimits]),
        );
        const models = (await gateway.listModels(userId, UNRESTRICTED_POLICY)).map((model) => {
          const limits = limitsByProvider.get(model.provider);
          return {
            id: model.id,
            provider: model.provider,
            displayName: model.displayName,
            reasoningEfforts: model.reasoningEfforts,
            limits: limits == null ? null : { primary: limits.primary, secondary: limits.secondary },
          };
        });
        const lines = models.map((model) => `${model.id} — ${model.displayName}`);
        return {
          content: [
            { type: 'text', text: lines.length === 0 ? 'No models: connect a provider first.' : lines.join('\n') },
          ],
          structuredContent: { models },
        };
      } catch (error) {
        return failure(error);
      }
    },
  );

  server.registerTool(
    'usage',
    {
      title: 'Usage and connections',
      description:
        'The user’s upstream connections with their state, and the subscription’s quota windows (used percent and ' +
        'reset time) as last reported by the upstream; plus which API-key providers are configured.',
      outputSchema: {
        connections: z.array(
          z.object({
            provider: z.string(),
            email: z.string().nullable(),
            planType: z.string().nullable(),
            state: z.string(),
            stateMessage: z.string().nullable(),
            primary: rateLimitWindowSchema,
            secondary: rateLimitWindowSchema,
            observedAt: z.string().nullable(),
          }),
        ),
        apiKeys: z.array(z.object({ provider: z.string(), baseUrl: z.string().nullable() })),
      },
      annotations: { readOnlyHint: true },
    },
    async () => {
      const connections = (await listConnections(context, userId)).map((connection) => ({
        provider: connection.provider,
        email: connection.email,
        planType: connection.planType,
        state: connection.state,
        stateMessage: connection.stateMessage,
        primary: connection.rateLimits?.primary ?? null,
        secondary: connection.rateLimits?.secondary ?? null,
        observedAt: connection.rateLimits?.observedAt ?? null,
      }));
      const apiKeys = (await listApiCredentialRows(context, userId)).map((row) => ({
        provider: row.provider,
        baseUrl: row.baseUrl ?? null,
      }));
      return {
        content: [{ type: 'text', text: describeUsage(connections, apiKeys) }],
        structuredContent: { connections, apiKeys },
      };
    },
  );

  return server;
}

/** Passes the parts through, reporting the text so far (throttled, and once more at the end). */
async function* reportProgress(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  notify: (progress: number, message: string) => Promise<void>,
): AsyncIterable<LanguageModelV3StreamPart> {
  let text = '';
  let reportedLength = 0;
  let lastReportAt = 0;
  for await (const part of parts) {
    if (part.type === 'text-delta') {
      text += part.delta;
      const now = Date.now();
      if (now - lastReportAt >= PROGRESS_INTERVAL_MS) {
        await notify(text.length, text.slice(reportedLength));
        reportedLength = text.length;
        lastReportAt = now;
      }
    } else if (part.type === 'finish' && text.length > reportedLength) {
      await notify(text.length, text.slice(reportedLength));
    }
    yield part;
  }
}

function describeUsage(
  connections: {
    provider: string;
    state: string;
    planType: string | null;
    primary: { usedPercent: number | null; resetsAt: string | null } | null;
    secondary: { usedPercent: number | null; resetsAt: string | null } | null;
  }[],
  apiKeys: { provider: string }[],
): string {
  const lines = connections.map((connection) => {
    const windows = [connection.primary, connection.secondary]
      .filter((window) => window != null)
      .map((window) => `${window.usedPercent ?? '?'}% used, resets ${window.resetsAt ?? 'unknown'}`);
    const plan = connection.planType == null ? '' : ` (${connection.planType})`;
    return `${connection.provider}${plan}: ${connection.state}${windows.length > 0 ? `; ${windows.join('; ')}` : ''}`;
  });
  for (const key of apiKeys) lines.push(`${key.provider}: API key configured`);
  return lines.length === 0 ? 'Nothing connected yet.' : lines.join('\n');
}
