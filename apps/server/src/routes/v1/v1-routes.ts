import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { GatewayError } from '../../domain/gateway-error.ts';
import { upstreamWaitOf } from '../../domain/upstream-wait.ts';
import { sendOpenAiError } from '../../plugins/openai-error-envelope.ts';
import type { RouteServices } from '../route-services.ts';
import { anthropicRoutes } from './anthropic-routes.ts';
import { registerChatCompletionsRoute } from './chat-completions-route.ts';
import { registerEmbeddingsRoute } from './embeddings-route.ts';
import { logV1Access, setOverheadHeader } from './log-v1-access.ts';
import { registerModelsRoutes } from './models-routes.ts';
import { registerResponsesRoute } from './responses-route.ts';

/**
 * The OpenAI-compatible API under `/v1`, for tools that already speak it (Open WebUI, Continue, SDKs, scripts):
 * gateway API keys as bearer tokens (or `x-api-key`), the router's catalogue as models, answers and errors in
 * OpenAI's shapes. Registered with the `/v1` prefix; errors and unknown paths use the OpenAI error envelope, except
 * Anthropic's Messages API (`/v1/messages`, its own scope and envelope: anthropic-routes.ts).
 */
export async function v1Routes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  // Every /v1 request writes its own access line (routes, error and not-found handlers): no second, generic one.
  app.addHook('onRequest', (request, _reply, done) => {
    request.hasAccessLine = true;
    done();
  });
  // Error answers carry the gateway's own time too (README: every answer); what the domain spent waiting on an
  // upstream before it failed is kept beside the error (domain/upstream-wait.ts).
  app.setErrorHandler((error, request, reply) => {
    const overheadMs = setOverheadHeader(reply, upstreamWaitOf(error));
    sendOpenAiError(reply, error);
    logV1Access(request, reply, { status: reply.statusCode, overheadMs });
    return reply;
  });
  app.setNotFoundHandler({}, (request, reply) => {
    const overheadMs = setOverheadHeader(reply, 0);
    sendOpenAiError(
      reply,
      new GatewayError('not_found', `Unknown endpoint: ${request.method} ${request.url.split('?')[0]}.`),
    );
    logV1Access(request, reply, { status: reply.statusCode, overheadMs });
    return reply;
  });

  registerModelsRoutes(app, services);
  registerChatCompletionsRoute(app, services);
  registerResponsesRoute(app, services);
  registerEmbeddingsRoute(app, services);
  // A scope of its own (no prefix: it is under /v1 already) for Anthropic's error envelope.
  await app.register(async (scope) => anthropicRoutes(scope, services));
}
