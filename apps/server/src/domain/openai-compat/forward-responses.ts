import type { CallerPolicy } from '@pag/contracts';
import { type CodexToolNames, forwardCodexResponses, type UpstreamResponse } from '@pag/providers';
import type { AiGateway, PlannedRoute, UpstreamLog } from '../gateway/ai-gateway.ts';
import { deriveConversationId } from '../gateway/derive-conversation-id.ts';
import { withFailedStep } from '../gateway/failed-step.ts';
import { upstreamFor } from '../gateway/providers/provider-binding.ts';
import { withUpstreamWait } from '../upstream-wait.ts';
import type { ResponsesRequest } from './responses-request.ts';
import { toCodexResponsesBody } from './to-codex-responses-body.ts';

export type ForwardedResponses =
  | {
      kind: 'relayed';
      model: string;
      response: UpstreamResponse;
      dropped: string[];
      /** The tool names as sent, to give the client its own back in the relayed answer. */
      toolNames: CodexToolNames;
      url: string;
      upstreamWaitMs: number;
    }
  | { kind: 'translate'; route: PlannedRoute };

/**
 * Relays a Responses request to the Codex backend as faithfully as it allows (`/v1/responses`), returning the
 * upstream's SSE response to re-emit as is. Only the subscription speaks the Responses protocol natively here; any
 * other route is handed back planned (`translate`), for `startModelStream`. The relay has no fallback (nothing to
 * fall back to speaks Responses): the first step decides the path.
 */
export async function forwardResponses(
  gateway: AiGateway,
  options: {
    userId: string;
    policy: CallerPolicy;
    request: ResponsesRequest;
    abortSignal: AbortSignal;
    log?: UpstreamLog | undefined;
  },
): Promise<ForwardedResponses> {
  const { userId, request } = options;
  const route = await gateway.planRoute({ userId, requestedModel: request.model, policy: options.policy });
  const chatgpt = gateway.providers.chatgpt;
  const [step] = route.plan;
  const connection = upstreamFor(route.upstreams, chatgpt);
  if (step == null || step.provider !== chatgpt.name || connection == null) return { kind: 'translate', route };
  const firstItem = typeof request.input === 'string' ? request.input : JSON.stringify(request.input[0] ?? null);
  const conversationId = deriveConversationId({
    userId,
    prompt: [],
    clientConversationId: request.prompt_cache_key ?? `${request.instructions ?? ''}\0${firstItem}`,
  });
  const { body, dropped, toolNames } = toCodexResponsesBody(request, {
    upstreamModel: step.upstreamModel,
    conversationId,
  });
  const forwardStartedAt = performance.now();
  const response = await forwardCodexResponses({
    settings: chatgpt.codexSettings({
      userId,
      connection,
      modelId: step.upstreamModel,
      conversationId,
      log: options.log,
    }),
    body,
    abortSignal: options.abortSignal,
  }).catch((error: unknown) => {
    throw withFailedStep(withUpstreamWait(error, route.upstreamWaitMs + (performance.now() - forwardStartedAt)), step);
  });
  return {
    kind: 'relayed',
    model: `${chatgpt.name}/${step.upstreamModel}`,
    response,
    dropped,
    toolNames,
    url: `${chatgpt.backendUrl}/codex/responses`,
    upstreamWaitMs: route.upstreamWaitMs + (performance.now() - forwardStartedAt),
  };
}
