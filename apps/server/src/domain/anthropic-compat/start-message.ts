import type { CallerPolicy } from '@pag/contracts';
import type { DomainContext } from '../domain-context.ts';
import type { AiGateway, UpstreamLog } from '../gateway/ai-gateway.ts';
import { describeWarning } from '../gateway/describe-warning.ts';
import type { StartedAnswerBase } from '../gateway/started-answer-base.ts';
import { listModelAliases } from '../model-aliases/list-model-aliases.ts';
import { resolveModelAlias } from '../model-aliases/resolve-model-alias.ts';
import { randomId } from '../random-id.ts';
import { withUpstreamWait } from '../upstream-wait.ts';
import { collectMessage } from './collect-message.ts';
import type { MessagesRequest } from './messages-request.ts';
import { messagesToModelCall } from './messages-to-model-call.ts';
import { type AnthropicClientHeaders, relayAnthropicMessages } from './relay-anthropic-messages.ts';
import { type AnthropicMessageShell, type MessageStreamItem, toMessageEvents } from './to-message-events.ts';

/** A started `/v1/messages` answer: whole, or a stream of Anthropic events whose first part has already arrived. */
export type MessageAnswer =
  | (StartedAnswerBase & { kind: 'message'; message: AnthropicMessageShell })
  | (StartedAnswerBase & { kind: 'stream'; items: AsyncIterable<MessageStreamItem> });

/**
 * Starts an Anthropic Messages answer on the user's route (docs/anthropic-protocol.md). The request is checked and
 * translated first (a client's mistake is a 400 before anything goes upstream), the route planned once; a route that
 * speaks Anthropic's own protocol end to end is relayed (`relayAnthropicMessages`), every other one runs on the
 * provider-neutral runner and its parts become Anthropic events. Fails before the first byte with a typed error when
 * the upstream refuses, so the client gets a real status.
 */
export async function startMessage(
  gateway: AiGateway,
  options: {
    userId: string;
    /** What the calling key or app may use; the router enforces it. */
    policy: CallerPolicy;
    request: MessagesRequest;
    /** Where the user's model aliases are read: the request's `model` may be one (resolve-model-alias.ts). */
    context: DomainContext;
    abortSignal: AbortSignal;
    /** The request's logger, for upstream retries. */
    log?: UpstreamLog | undefined;
    /** The client's `anthropic-version` / `anthropic-beta`, which a relayed request carries on. */
    headers?: AnthropicClientHeaders | undefined;
    /** The body as the client sent it (the checked `request` is its parse), which a relayed request carries on. */
    sentBody?: object | undefined;
  },
): Promise<MessageAnswer> {
  const { request, abortSignal } = options;
  const { call, reasoningEffort, isThinking } = messagesToModelCall(request);
  // Aliases resolve before the router, which stays pure and gets a gateway id (or the name as sent).
  const model = resolveModelAlias(request.model, await listModelAliases(options.context, options.userId));
  const route = await gateway.planRoute({
    userId: options.userId,
    requestedModel: model,
    policy: options.policy,
  });
  // The seam for the same-protocol relay: an Anthropic key as the whole route takes the request as it is.
  const relayed = await relayAnthropicMessages(gateway, { ...options, route });
  if (relayed != null) return relayed;

  const chat = await gateway.startModelStream({
    log: options.log,
    userId: options.userId,
    policy: options.policy,
    requestedModel: model,
    call,
    reasoningEffort,
    abortSignal,
    route,
  });
  const base = {
    provider: chat.provider,
    model: chat.model,
    fallbackFrom: chat.fallbackFrom,
    warnings: chat.warnings.map(describeWarning).filter((text) => text !== ''),
  };
  const translation = { id: `msg_${randomId(12, 'hex')}`, model: chat.model, isThinking };
  if (request.stream !== true) {
    const collectStartedAt = performance.now();
    const message = await collectMessage(chat.parts, translation).catch((error: unknown) => {
      throw withUpstreamWait(error, chat.upstreamWaitMs + (performance.now() - collectStartedAt));
    });
    const upstreamWaitMs = chat.upstreamWaitMs + (performance.now() - collectStartedAt);
    return { ...base, kind: 'message', message, upstreamWaitMs };
  }
  return {
    ...base,
    kind: 'stream',
    items: toMessageEvents(chat.parts, translation),
    upstreamWaitMs: chat.upstreamWaitMs,
  };
}
