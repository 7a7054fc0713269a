import type { CallerPolicy } from '@pag/contracts';
import type { AiGateway, PlannedRoute } from '../gateway/ai-gateway.ts';
import type { MessagesRequest } from './messages-request.ts';
import type { MessageAnswer } from './start-message.ts';

/**
 * The seam for the same-protocol relay (docs/anthropic-protocol.md §7): when the planned route is one Anthropic API
 * key, the request goes to it as it is (only the model and auth amended), like `forward-chat-completions.ts` does for
 * OpenAI, and the answer comes back untranslated. Returns undefined for every other route, which then runs on the
 * provider-neutral runner with the route already planned. No provider speaks Anthropic's protocol yet: the
 * `anthropic` key provider (issue 20 item 5) plugs its relay in here.
 */
export async function relayAnthropicMessages(
  _gateway: AiGateway,
  _options: {
    userId: string;
    policy: CallerPolicy;
    request: MessagesRequest;
    route: PlannedRoute;
    abortSignal: AbortSignal;
  },
): Promise<MessageAnswer | undefined> {
  return undefined;
}
