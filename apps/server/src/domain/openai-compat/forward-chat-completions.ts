import type { CallerPolicy } from '@pag/contracts';
import {
  type ForwardedChat,
  forwardOpenAiCompatibleChat,
  OPENAI_COMPATIBLE_CHAT_FIELDS,
  toOpenAiCompatibleChatBody,
} from '@pag/providers';
import type { AiGateway, PlannedRoute } from '../gateway/ai-gateway.ts';
import { withFailedStep } from '../gateway/failed-step.ts';
import { upstreamFor } from '../gateway/providers/provider-binding.ts';
import { withUpstreamWait } from '../upstream-wait.ts';
import type { ChatCompletionRequest } from './chat-completion-request.ts';

// Every field the relay forwards is one our request schema knows and checks (a field it does not know would reach
// the upstream unchecked).
OPENAI_COMPATIBLE_CHAT_FIELDS satisfies readonly (keyof ChatCompletionRequest)[];

export type ForwardedChatCompletions =
  | { kind: 'relayed'; model: string; forwarded: ForwardedChat; upstreamWaitMs: number }
  | { kind: 'translate'; route: PlannedRoute };

/**
 * Relays a chat-completions request to the user's OpenAI-compatible key as it is (`/v1/chat/completions`), when
 * that key is the whole route: the same protocol on both sides, so the answer needs no translation, only the
 * gateway's model name (the caller's job, on the unread answer returned here). Any other route — the
 * subscription, Gemini, a plan with fallbacks — is handed back planned, for `startModelStream`.
 */
export async function forwardChatCompletions(
  gateway: AiGateway,
  options: { userId: string; policy: CallerPolicy; request: ChatCompletionRequest; abortSignal: AbortSignal },
): Promise<ForwardedChatCompletions> {
  const route = await gateway.planRoute({
    userId: options.userId,
    requestedModel: options.request.model,
    policy: options.policy,
  });
  const openai = gateway.providers.openai;
  const [step, ...fallbacks] = route.plan;
  const row = upstreamFor(route.upstreams, openai);
  if (step?.provider !== openai.name || fallbacks.length > 0 || row == null) return { kind: 'translate', route };
  const forwardStartedAt = performance.now();
  const forwarded = await forwardOpenAiCompatibleChat({
    ...openai.relayTarget(options.userId, row),
    body: toOpenAiCompatibleChatBody(options.request, step.upstreamModel),
    abortSignal: options.abortSignal,
  }).catch((error: unknown) => {
    throw withFailedStep(withUpstreamWait(error, route.upstreamWaitMs + (performance.now() - forwardStartedAt)), step);
  });
  return {
    kind: 'relayed',
    model: `${openai.name}/${step.upstreamModel}`,
    forwarded,
    upstreamWaitMs: route.upstreamWaitMs + (performance.now() - forwardStartedAt),
  };
}
