import { type CodexToolNames, toCodexRequestBody } from '@pag/providers';
import type { ResponsesRequest } from './responses-request.ts';

/**
 * A client's Responses request as the Codex backend takes it: a thin call into the providers' Codex request rules
 * (`toCodexRequestBody`, docs/codex-protocol.md §5.3–§5.5), the same rules the chat path uses, so the relay and the
 * chat model cannot disagree on what is sent. Returns the body and the names of the fields it dropped (for the
 * `x-gateway-warning` header). Tool names the backend would refuse go out cleaned; the route restores them in the
 * answer with `restoreCodexToolNames(…, toolNames)`, the map returned here.
 */
export function toCodexResponsesBody(
  request: ResponsesRequest,
  options: { upstreamModel: string; conversationId: string },
): { body: Record<string, unknown>; dropped: string[]; toolNames: CodexToolNames } {
  const { body, dropped, toolNames } = toCodexRequestBody(request, {
    model: options.upstreamModel,
    conversationId: options.conversationId,
  });
  return { body, dropped, toolNames };
}
