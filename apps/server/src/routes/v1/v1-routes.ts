import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findReasoningOutput } from '../../domain/accounts/update-api-key.ts';
import { GatewayError } from '../../domain/gateway-error.ts';
import { chatCompletionRequestSchema } from '../../domain/openai-compat/chat-completion-request.ts';
import { collectChatCompletion } from '../../domain/openai-compat/collect-chat-completion.ts';
import { collectCodexResponse } from '../../domain/openai-compat/collect-codex-response.ts';
import { embeddingsRequestSchema, encodeEmbeddingBase64 } from '../../domain/openai-compat/embeddings-request.ts';
import { responsesRequestSchema } from '../../domain/openai-compat/responses-request.ts';
import { responsesToModelCall } from '../../domain/openai-compat/responses-to-model-call.ts';
import { toChatCompletionChunks } from '../../domain/openai-compat/to-chat-completion-chunks.ts';
import { toModelCall } from '../../domain/openai-compat/to-model-call.ts';
import { toResponsesEvents } from '../../domain/openai-compat/to-responses-events.ts';
import { clientAbortSignal } from '../../plugins/client-abort-signal.ts';
import { sendOpenAiError, toOpenAiError } from '../../plugins/openai-error-envelope.ts';
import { relayEventStream, startEventStream } from '../../plugins/sse.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';
import { logV1Access, setOverheadHeader, type V1AccessFields } from './log-v1-access.ts';

/** Conversations with images can be large; 32 MiB bounds a request without refusing real ones. */
const V1_BODY_LIMIT_BYTES = 32 * 1024 * 1024;

/**
 * The OpenAI-compatible API under `/v1`, for tools that already speak it (Open WebUI, Continue, SDKs, scripts):
 * gateway API keys as bearer tokens (or `x-api-key`), the router's catalogue as models, answers and errors in
 * OpenAI's shapes. Registered with the `/v1` prefix; errors and unknown paths use the OpenAI error envelope.
 */
export async function v1Routes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  app.setErrorHandler((error, request, reply) => {
    sendOpenAiError(reply, error);
    logV1Access(request, reply, { status: reply.statusCode });
    return reply;
  });
  app.setNotFoundHandler({}, (request, reply) =>
    sendOpenAiError(
      reply,
      new GatewayError('not_found', `Unknown endpoint: ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );

  app.get('/models', { config: { access: 'api-key' } }, async (request) => {
    const models = await services.gateway.listModels(requireAuth(request).user.id);
    return { object: 'list', data: models.map(toOpenAiModel) };
  });

  app.get(
    '/models/*',
    { schema: { params: z.object({ '*': z.string().min(1) }) }, config: { access: 'api-key' } },
    async (request) => {
      const id = request.params['*'];
      const models = await services.gateway.listModels(requireAuth(request).user.id);
      const model = models.find((candidate) => candidate.id === id || candidate.upstreamId === id);
      if (model == null) {
        throw new GatewayError(
          'model_not_found',
          `The model "${id}" does not exist for this key: see GET /v1/models.`,
          {
            param: 'model',
          },
        );
      }
      return toOpenAiModel(model);
    },
  );

  app.post(
    '/chat/completions',
    {
      bodyLimit: V1_BODY_LIMIT_BYTES,
      schema: { body: chatCompletionRequestSchema },
      config: { access: 'api-key' },
    },
    async (request, reply) => {
      const body = request.body;
      const { call, reasoningEffort } = toModelCall(body);
      const abortSignal = clientAbortSignal(reply);
      const chat = await services.gateway.startModelStream({
        userId: requireAuth(request).user.id,
        requestedModel: body.model,
        call,
        reasoningEffort,
        abortSignal,
      });
      reply.header('x-gateway-provider', chat.provider);
      reply.header('x-gateway-model', chat.model);
      const warnings = chat.warnings.map(describeWarning).filter((text) => text !== '');
      if (warnings.length > 0) reply.header('x-gateway-warning', warnings.join('; '));
      const auth = requireAuth(request);
      const identity = {
        id: `chatcmpl-${randomBytes(12).toString('hex')}`,
        created: Math.floor(Date.now() / 1000),
        model: chat.model,
        reasoningOutput: findReasoningOutput(services.context, auth.method === 'api-key' ? auth.keyId : null),
      };
      if (body.stream !== true) {
        const collectStartedAt = performance.now();
        const completion = await collectChatCompletion(chat.parts, identity);
        const overheadMs = setOverheadHeader(reply, chat.upstreamWaitMs + (performance.now() - collectStartedAt));
        logV1Access(request, reply, {
          status: 200,
          provider: chat.provider,
          model: chat.model,
          promptTokens: completion.usage.prompt_tokens,
          completionTokens: completion.usage.completion_tokens,
          overheadMs,
        });
        return completion;
      }

      const overheadMs = setOverheadHeader(reply, chat.upstreamWaitMs);
      const access: V1AccessFields = { status: 200, provider: chat.provider, model: chat.model, overheadMs };
      const events = startEventStream(reply);
      try {
        const items = toChatCompletionChunks(chat.parts, {
          ...identity,
          includeUsage: body.stream_options?.include_usage === true,
        });
        for await (const item of items) {
          if (item.kind === 'error') {
            // After the first byte the status is sent: the failure goes in the stream, as OpenAI does.
            events.sendData(toOpenAiError(item.error).body);
            return;
          }
          if (item.kind === 'usage') {
            access.promptTokens = item.usage.prompt_tokens;
            access.completionTokens = item.usage.completion_tokens;
            continue;
          }
          if (!events.sendData(item.chunk)) return;
        }
        events.sendData('[DONE]');
      } catch (error) {
        if (!abortSignal.aborted) {
          request.log.warn({ err: error }, 'stream failed after it started');
          events.sendData(toOpenAiError(error).body);
        }
      } finally {
        events.close();
        logV1Access(request, reply, abortSignal.aborted ? { ...access, status: 499 } : access);
      }
    },
  );

  app.post(
    '/responses',
    {
      bodyLimit: V1_BODY_LIMIT_BYTES,
      schema: { body: responsesRequestSchema },
      config: { access: 'api-key' },
    },
    async (request, reply) => {
      const abortSignal = clientAbortSignal(reply);
      const userId = requireAuth(request).user.id;
      const forwarded = await services.gateway.forwardResponses({ userId, request: request.body, abortSignal });
      if (forwarded == null) {
        // The model routes to a provider without the Responses protocol: translate through the common runner.
        const { call, reasoningEffort } = responsesToModelCall(request.body);
        const chat = await services.gateway.startModelStream({
          userId,
          requestedModel: request.body.model,
          call,
          reasoningEffort,
          abortSignal,
        });
        reply.header('x-gateway-provider', chat.provider);
        reply.header('x-gateway-model', chat.model);
        const isStream = request.body.stream === true;
        const events = toResponsesEvents(chat.parts, {
          model: chat.model,
          request: request.body,
          shouldThrowErrors: !isStream,
        });
        if (!isStream) {
          const collectStartedAt = performance.now();
          let last: Record<string, unknown> | undefined;
          for await (const event of events) last = event;
          const overheadMs = setOverheadHeader(reply, chat.upstreamWaitMs + (performance.now() - collectStartedAt));
          logV1Access(request, reply, { status: 200, provider: chat.provider, model: chat.model, overheadMs });
          return last?.response;
        }
        const overheadMs = setOverheadHeader(reply, chat.upstreamWaitMs);
        const stream = startEventStream(reply);
        try {
          for await (const event of events) {
            if (!stream.send(event.type, event)) break;
          }
        } catch (error) {
          if (!abortSignal.aborted) stream.send('error', { ...toOpenAiError(error).body.error, type: 'error' });
        } finally {
          stream.close();
          logV1Access(request, reply, {
            status: abortSignal.aborted ? 499 : 200,
            provider: chat.provider,
            model: chat.model,
            overheadMs,
          });
        }
        return reply;
      }
      reply.header('x-gateway-provider', 'chatgpt');
      reply.header('x-gateway-model', forwarded.model);
      if (forwarded.dropped.length > 0) {
        reply.header(
          'x-gateway-warning',
          `not supported by the subscription backend, ignored: ${forwarded.dropped.join(', ')}`,
        );
      }
      const body = forwarded.response.body;
      if (body == null) throw new GatewayError('upstream_error', 'The Codex backend answered without a body.');
      if (request.body.stream !== true) {
        const collectStartedAt = performance.now();
        const response = await collectCodexResponse({ body, url: forwarded.url });
        const overheadMs = setOverheadHeader(reply, forwarded.upstreamWaitMs + (performance.now() - collectStartedAt));
        logV1Access(request, reply, { status: 200, provider: 'chatgpt', model: forwarded.model, overheadMs });
        return response;
      }
      const overheadMs = setOverheadHeader(reply, forwarded.upstreamWaitMs);
      try {
        await relayEventStream(reply, body);
      } finally {
        logV1Access(request, reply, {
          status: abortSignal.aborted ? 499 : 200,
          provider: 'chatgpt',
          model: forwarded.model,
          overheadMs,
        });
      }
    },
  );

  app.post(
    '/embeddings',
    {
      bodyLimit: EMBEDDINGS_BODY_LIMIT_BYTES,
      schema: { body: embeddingsRequestSchema },
      config: { access: 'api-key' },
    },
    async (request, reply) => {
      const body = request.body;
      const values = typeof body.input === 'string' ? [body.input] : body.input;
      const result = await services.gateway.embed({
        userId: requireAuth(request).user.id,
        model: body.model,
        values,
        dimensions: body.dimensions,
        abortSignal: clientAbortSignal(reply),
      });
      logV1Access(request, reply, { status: 200, model: result.model, promptTokens: result.tokens });
      reply.header('x-gateway-model', result.model);
      const isBase64 = body.encoding_format === 'base64';
      return {
        object: 'list',
        data: result.embeddings.map((embedding, index) => ({
          object: 'embedding',
          index,
          embedding: isBase64 ? encodeEmbeddingBase64(embedding) : embedding,
        })),
        model: result.model,
        usage: { prompt_tokens: result.tokens ?? 0, total_tokens: result.tokens ?? 0 },
      };
    },
  );
}

/** Embeddings of many long texts: 16 MiB bounds a request. */
const EMBEDDINGS_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** A catalogue entry as OpenAI lists models; the id is what `model` takes. */
function toOpenAiModel(model: { id: string; provider: string }) {
  return { id: model.id, object: 'model' as const, created: 0, owned_by: model.provider };
}

/** A provider warning (a dropped setting) in words for the `x-gateway-warning` header (ASCII only). */
function describeWarning(warning: {
  type: string;
  feature?: string;
  setting?: string;
  details?: string;
  message?: string;
}): string {
  const what = warning.feature ?? warning.setting ?? warning.message ?? warning.type;
  const text =
    warning.details == null ? `${what} is not supported here and was ignored` : `${what}: ${warning.details}`;
  return text.replace(/[^\x20-\x7e]/g, '?');
}
