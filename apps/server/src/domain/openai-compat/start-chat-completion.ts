import type { CallerPolicy, ReasoningOutput } from '@pag/contracts';
import { readForwardedJson, readSseData } from '@pag/providers';
import type { AiGateway, UpstreamLog } from '../gateway/ai-gateway.ts';
import { describeWarning } from '../gateway/describe-warning.ts';
import type { StartedAnswerBase } from '../gateway/started-answer-base.ts';
import { randomId } from '../random-id.ts';
import { withUpstreamWait } from '../upstream-wait.ts';
import type { ChatCompletionRequest } from './chat-completion-request.ts';
import type { ChatCompletionUsage } from './chat-completion-shapes.ts';
import { collectChatCompletion } from './collect-chat-completion.ts';
import { forwardChatCompletions } from './forward-chat-completions.ts';
import { relayChatCompletion } from './relay-chat-completion.ts';
import { relayChatCompletionChunks } from './relay-chat-completion-chunks.ts';
import { type ChatStreamItem, toChatCompletionChunks } from './to-chat-completion-chunks.ts';
import { toModelCall } from './to-model-call.ts';

/** A started `/v1/chat/completions` answer: whole, or a stream whose first item has already arrived. */
export type ChatCompletionAnswer =
  | (StartedAnswerBase & { kind: 'completion'; completion: object; usage: ChatCompletionUsage | null })
  | (StartedAnswerBase & { kind: 'stream'; items: AsyncIterable<ChatStreamItem> });

/**
 * Starts a chat completion on the user's route. When the route is one OpenAI-compatible key, the request is
 * relayed in its own protocol and the answer amended (model name, reasoning display, usage); every other route
 * goes through the provider-neutral runner and is translated. Both give the same answer shapes, and both fail
 * before the first byte with a typed error when the upstream refuses — for a relayed stream, also when its first
 * event is an error, so the client gets a real status.
 */
export async function startChatCompletion(
  gateway: AiGateway,
  options: {
    userId: string;
    /** What the calling key or app may use; the router enforces it on both paths. */
    policy: CallerPolicy;
    request: ChatCompletionRequest;
    reasoningOutput: ReasoningOutput;
    abortSignal: AbortSignal;
    /** The request's logger, for upstream retries. */
    log?: UpstreamLog | undefined;
  },
): Promise<ChatCompletionAnswer> {
  const { request, reasoningOutput, abortSignal } = options;
  // Checks what zod cannot (tool results answer earlier calls, arguments are JSON) on both paths.
  const { call, reasoningEffort } = toModelCall(request);
  const isStream = request.stream === true;
  const includeUsage = request.stream_options?.include_usage === true;
  const forwarded = await forwardChatCompletions(gateway, {
    userId: options.userId,
    policy: options.policy,
    request,
    abortSignal,
  });

  if (forwarded.kind === 'relayed') {
    const { model, forwarded: upstream } = forwarded;
    const base = { provider: 'openai' as const, model, fallbackFrom: null, warnings: [] };
    const readStartedAt = performance.now();
    const waitedMs = () => forwarded.upstreamWaitMs + (performance.now() - readStartedAt);
    if (!isStream) {
      const answer = await readForwardedJson(upstream).catch((error: unknown) => {
        throw withUpstreamWait(error, waitedMs());
      });
      const upstreamWaitMs = waitedMs();
      const { completion, usage } = relayChatCompletion(answer, { model, reasoningOutput, url: upstream.url });
      return { ...base, kind: 'completion', completion, usage, upstreamWaitMs };
    }
    const items = relayChatCompletionChunks(readSseData(upstream.body, { url: upstream.url }), {
      model,
      includeUsage,
      reasoningOutput,
      url: upstream.url,
    });
    const first = await items.peek();
    if (first?.kind === 'error') {
      // Closing the items stops reading the upstream body, which frees its connection.
      await items.return();
      throw withUpstreamWait(first.error, waitedMs());
    }
    const upstreamWaitMs = waitedMs();
    return { ...base, kind: 'stream', items, upstreamWaitMs };
  }

  const chat = await gateway.startModelStream({
    log: options.log,
    userId: options.userId,
    policy: options.policy,
    requestedModel: request.model,
    call,
    reasoningEffort,
    abortSignal,
    route: forwarded.route,
  });
  const identity = {
    id: `chatcmpl-${randomId(12, 'hex')}`,
    created: Math.floor(Date.now() / 1000),
    model: chat.model,
    reasoningOutput,
  };
  const base = {
    provider: chat.provider,
    model: chat.model,
    fallbackFrom: chat.fallbackFrom,
    warnings: chat.warnings.map(describeWarning).filter((text) => text !== ''),
  };
  if (!isStream) {
    const collectStartedAt = performance.now();
    const completion = await collectChatCompletion(chat.parts, identity).catch((error: unknown) => {
      throw withUpstreamWait(error, chat.upstreamWaitMs + (performance.now() - collectStartedAt));
    });
    const upstreamWaitMs = chat.upstreamWaitMs + (performance.now() - collectStartedAt);
    return { ...base, kind: 'completion', completion, usage: completion.usage, upstreamWaitMs };
  }
  const items = toChatCompletionChunks(chat.parts, { ...identity, includeUsage });
  return { ...base, kind: 'stream', items, upstreamWaitMs: chat.upstreamWaitMs };
}
