import {
  aiChatResponseSchema,
  aiEmbedRequestSchema,
  aiEmbedResponseSchema,
  aiRequestSchema,
  modelListSchema,
} from '@pag/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { embedTexts } from '../../domain/gateway/embed-texts.ts';
import { recordPlaygroundAnswer } from '../../domain/getting-started/record-playground-answer.ts';
import { collectChatResponse } from '../../domain/note-app/collect-chat-response.ts';
import { type ErrorDescription, toNoteAppEvents } from '../../domain/note-app/to-note-app-events.ts';
import { clientAbortSignal } from '../../plugins/client-abort-signal.ts';
import { classifyError } from '../../plugins/error-handler.ts';
import { pipeEventStream } from '../../plugins/pipe-event-stream.ts';
import { formatEventFrame } from '../../plugins/sse.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/** Notes, conversations and images (4 MiB each, base64) can be long; 24 MiB bounds a request without getting in the way. */
const AI_BODY_LIMIT_BYTES = 24 * 1024 * 1024;
/** Embeddings of many notes at once. */
const EMBED_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * The note-app API: one answer as JSON, or the answer as it is generated over SSE. Both reachable with a session
 * or a gateway API key. A client that goes away aborts the upstream request.
 */
export async function aiRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  // An answer in the settings UI (a session, not a program's key) ticks "try it" on Getting started.
  const noteAnswer = (request: FastifyRequest) => {
    const auth = requireAuth(request);
    if (auth.method === 'session') recordPlaygroundAnswer(services.context, auth.user.id);
  };

  app.post(
    '/api/ai/chat',
    {
      bodyLimit: AI_BODY_LIMIT_BYTES,
      schema: { body: aiRequestSchema, response: { 200: aiChatResponseSchema } },
      config: { access: 'session-or-api-key' },
    },
    async (request, reply) => {
      const abortSignal = clientAbortSignal(reply);
      const chat = await services.gateway.startChat({
        userId: requireAuth(request).user.id,
        request: request.body,
        abortSignal,
        log: request.log,
      });
      reply.header('x-gateway-provider', chat.provider);
      const answer = await collectChatResponse(chat.parts, {
        provider: chat.provider,
        model: chat.model,
        outputValidator: chat.outputValidator,
      });
      noteAnswer(request);
      return answer;
    },
  );

  app.post(
    '/api/ai/stream',
    { bodyLimit: AI_BODY_LIMIT_BYTES, schema: { body: aiRequestSchema }, config: { access: 'session-or-api-key' } },
    async (request, reply) => {
      const abortSignal = clientAbortSignal(reply);
      // Until the first part arrived nothing is sent: failures here are ordinary HTTP errors (status, Retry-After).
      const chat = await services.gateway.startChat({
        userId: requireAuth(request).user.id,
        request: request.body,
        abortSignal,
        log: request.log,
      });
      reply.header('x-gateway-provider', chat.provider);
      await pipeEventStream(
        reply,
        toNoteAppEvents(chat.parts, {
          provider: chat.provider,
          model: chat.model,
          describeError: describeStreamError,
          outputValidator: chat.outputValidator,
        }),
        {
          toFrame: (event) => {
            if (event.type === 'done') noteAnswer(request);
            return formatEventFrame(event.type, event);
          },
          errorFrame: (error) => formatEventFrame('error', { type: 'error', ...describeStreamError(error) }),
        },
      );
    },
  );

  app.post(
    '/api/ai/embed',
    {
      bodyLimit: EMBED_BODY_LIMIT_BYTES,
      schema: { body: aiEmbedRequestSchema, response: { 200: aiEmbedResponseSchema } },
      config: { access: 'session-or-api-key' },
    },
    async (request, reply) => {
      const { input, model } = request.body;
      const result = await embedTexts(services.gateway, {
        userId: requireAuth(request).user.id,
        model: model ?? null,
        values: typeof input === 'string' ? [input] : input,
        abortSignal: clientAbortSignal(reply),
      });
      reply.header('x-gateway-provider', result.provider);
      return {
        model: result.model,
        provider: result.provider,
        embeddings: result.embeddings,
        usage: { inputTokens: result.tokens ?? null },
      };
    },
  );

  app.get(
    '/api/ai/models',
    { schema: { response: { 200: modelListSchema } }, config: { access: 'session-or-api-key' } },
    async (request) => ({ models: await services.gateway.listModels(requireAuth(request).user.id) }),
  );
}

/** A failure once the stream has started, as the note-app `error` event tells it: code, message, when to retry. */
function describeStreamError(error: unknown): ErrorDescription {
  const classified = classifyError(error);
  return { code: classified.code, message: classified.message, retryAfter: classified.retryAfterSeconds ?? null };
}
