import { upstreamWaitOf } from '../../domain/upstream-wait.ts';
import { sendAnthropicError } from '../../plugins/anthropic-error-envelope.ts';
import type { RouteServices } from '../route-services.ts';
import { registerCountTokensRoute } from './count-tokens-route.ts';
import { logV1Access, setOverheadHeader } from './log-v1-access.ts';
import { registerMessagesRoute } from './messages-route.ts';
import type { V1App } from './v1-app.ts';

/**
 * Anthropic's Messages API under `/v1` (docs/anthropic-protocol.md), for Claude Code and the Anthropic SDKs: its own
 * scope, so every error of these routes — schema, auth (`x-api-key` or a bearer), the upstream's — is answered in
 * Anthropic's envelope while the rest of `/v1` keeps OpenAI's.
 */
export async function anthropicRoutes(app: V1App, services: RouteServices): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const overheadMs = setOverheadHeader(reply, upstreamWaitOf(error));
    sendAnthropicError(reply, error);
    logV1Access(request, reply, { status: reply.statusCode, overheadMs });
    return reply;
  });
  registerMessagesRoute(app, services);
  registerCountTokensRoute(app, services);
}
