import type { CallerPolicy } from '@pag/contracts';
import {
  type ForwardedChat,
  forwardAnthropicMessages,
  readForwardedJson,
  readSseEvents,
  toAnthropicProviderError,
  UpstreamApiError,
  UpstreamProtocolError,
} from '@pag/providers';
import type { AiGateway, PlannedRoute } from '../gateway/ai-gateway.ts';
import { withFailedStep } from '../gateway/failed-step.ts';
import { upstreamFor } from '../gateway/providers/provider-binding.ts';
import { GatewayError } from '../gateway-error.ts';
import { withUpstreamWait } from '../upstream-wait.ts';
import type { MessagesRequest } from './messages-request.ts';
import type { MessageAnswer } from './start-message.ts';
import type {
  AnthropicMessageShell,
  AnthropicStreamEvent,
  AnthropicUsage,
  MessageStreamItem,
} from './to-message-events.ts';

/** The client's Anthropic headers that travel with a relayed request (docs/anthropic-protocol.md §7). */
export type AnthropicClientHeaders = { anthropicVersion?: string | undefined; anthropicBeta?: string | undefined };

/**
 * The same-protocol relay (docs/anthropic-protocol.md §7): when the planned route is the user's Anthropic API key
 * alone (no fallback), the request goes to it as the client sent it (once the gateway's schema accepted it) — only `model` (the route's upstream model,
 * an alias may have been resolved) and the auth amended — and the answer comes back untranslated, its `model` the
 * gateway's id as on translated answers. A stream's first event is awaited, so an upstream refusal is an HTTP error
 * with a real status. Returns undefined for every other route, which then runs on the provider-neutral runner.
 */
export async function relayAnthropicMessages(
  gateway: AiGateway,
  options: {
    userId: string;
    policy: CallerPolicy;
    request: MessagesRequest;
    route: PlannedRoute;
    abortSignal: AbortSignal;
    headers?: AnthropicClientHeaders | undefined;
    /**
     * The body as the client sent it: `request` is its checked parse, which expands string content and drops nested
     * fields the gateway does not read; the relay forwards the original, which the schema has accepted.
     */
    sentBody?: object | undefined;
  },
): Promise<MessageAnswer | undefined> {
  const { route, request } = options;
  const anthropic = gateway.providers.anthropic;
  const [step, ...fallbacks] = route.plan;
  const row = upstreamFor(route.upstreams, anthropic);
  if (step?.provider !== anthropic.name || fallbacks.length > 0 || row == null) return undefined;

  const model = `${anthropic.name}/${step.upstreamModel}`;
  const startedAt = performance.now();
  const waitedMs = () => route.upstreamWaitMs + (performance.now() - startedAt);
  const fail = (error: unknown) => withFailedStep(withUpstreamWait(toRelayError(error), waitedMs()), step);
  const forwarded = await forwardAnthropicMessages({
    ...anthropic.relayTarget(options.userId, row),
    body: { ...(options.sentBody ?? request), model: step.upstreamModel },
    anthropicVersion: options.headers?.anthropicVersion,
    anthropicBeta: options.headers?.anthropicBeta,
    abortSignal: options.abortSignal,
  }).catch((error: unknown) => {
    throw fail(error);
  });
  const base = { provider: anthropic.name, model, fallbackFrom: null, warnings: [] };

  if (request.stream !== true) {
    const answer = await readForwardedJson(forwarded).catch((error: unknown) => {
      throw fail(error);
    });
    if (typeof answer !== 'object' || answer == null || (answer as { type?: unknown }).type !== 'message') {
      throw fail(
        new UpstreamProtocolError({
          message: 'The upstream answered 200 without a message.',
          url: forwarded.url,
          cause: answer,
        }),
      );
    }
    // Untranslated, but typed as the shell the front door builds: the fields the route reads (usage) are the same.
    const message = { ...(answer as AnthropicMessageShell), model };
    return { ...base, kind: 'message', message, upstreamWaitMs: waitedMs() };
  }

  const items = relayMessageEvents(forwarded, model);
  const first = await items.next();
  if (!first.done && first.value.kind === 'error') {
    // Closing the items stops reading the upstream body, which frees its connection.
    await items.return(undefined);
    throw fail(first.value.error);
  }
  return { ...base, kind: 'stream', items: prepend(first, items), upstreamWaitMs: waitedMs() };
}

/**
 * The upstream's events as they come (no buffering), `ping` and `error` kept: `message_start` gets the gateway's
 * model id, and the usage — input on `message_start`, the cumulative counts on `message_delta` (§10) — is reported
 * once after `message_delta`, for the access log and the usage ledger. A stream that ends without `message_stop`
 * was cut off and ends in an error.
 */
async function* relayMessageEvents(forwarded: ForwardedChat, model: string): AsyncGenerator<MessageStreamItem> {
  const events = readSseEvents(forwarded.body);
  let isFinished = false;
  let usage: Partial<AnthropicUsage> = {};
  try {
    while (true) {
      const next = await events.read().catch((error: unknown) => {
        throw toAnthropicProviderError(error, { url: forwarded.url });
      });
      if (next.done) break;
      let data: { type?: unknown; error?: unknown; message?: unknown; usage?: unknown };
      try {
        data = JSON.parse(next.value.data);
      } catch (error) {
        yield {
          kind: 'error',
          error: new UpstreamProtocolError({
            message: 'The upstream sent an event that is not JSON.',
            url: forwarded.url,
            cause: error,
          }),
        };
        return;
      }
      if (data.type === 'error' || next.value.event === 'error') {
        yield { kind: 'error', error: toAnthropicProviderError(data.error ?? data, { url: forwarded.url }) };
        return;
      }
      if (data.type === 'message_start' && typeof data.message === 'object' && data.message != null) {
        const message = data.message as AnthropicMessageShell;
        usage = { ...usage, ...message.usage };
        data = { ...data, message: { ...message, model } };
      }
      // Events the front door never builds itself (newer block or delta types) pass through all the same.
      yield { kind: 'event', event: data as AnthropicStreamEvent };
      if (data.type === 'message_delta' && typeof data.usage === 'object' && data.usage != null) {
        usage = { ...usage, ...(data.usage as Partial<AnthropicUsage>) };
        yield { kind: 'usage', usage: toUsage(usage) };
      }
      if (data.type === 'message_stop') {
        isFinished = true;
        return;
      }
    }
    yield {
      kind: 'error',
      error: new UpstreamProtocolError({
        message: 'The upstream ended the answer without finishing it.',
        url: forwarded.url,
        cause: undefined,
      }),
    };
  } catch (error) {
    yield { kind: 'error', error };
  } finally {
    // A client that left mid-answer (or a cut stream): stop reading so the upstream connection is let go.
    if (!isFinished) await events.cancel().catch(() => undefined);
  }
}

function toUsage(usage: Partial<AnthropicUsage>): AnthropicUsage {
  return {
    input_tokens: usage.input_tokens ?? 0,
    output_tokens: usage.output_tokens ?? 0,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
  };
}

/**
 * A refused key is the user's to fix in their settings, not the caller's request: 401/403 from the relay say so
 * (the AI SDK path reports the same refusal as a plain upstream error).
 */
function toRelayError(error: unknown): unknown {
  if (error instanceof UpstreamApiError && (error.statusCode === 401 || error.statusCode === 403)) {
    return new GatewayError(
      'invalid_upstream_key',
      `Anthropic refused the saved Anthropic API key (${error.message}): check the key in the gateway's settings.`,
      { cause: error },
    );
  }
  return error;
}

/** The items again, with the one already taken in front. */
async function* prepend(
  first: IteratorResult<MessageStreamItem>,
  rest: AsyncGenerator<MessageStreamItem>,
): AsyncGenerator<MessageStreamItem> {
  if (first.done) return;
  yield first.value;
  yield* rest;
}
