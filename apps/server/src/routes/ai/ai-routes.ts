import {
  aiChatResponseSchema,
  aiEmbedRequestSchema,
  aiEmbedResponseSchema,
  aiRequestSchema,
  aiStreamEventSchema,
  modelListSchema,
} from '@pag/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { embedTexts } from '../../domain/gateway/embed-texts.ts';
import { recordPlaygroundAnswer } from '../../domain/getting-started/record-playground-answer.ts';
import { collectChatResponse } from '../../domain/note-app/collect-chat-response.ts';
import type { StoredStreamEvent } from '../../domain/note-app/resumable-stream-store.ts';
import { type ErrorDescription, toNoteAppEvents } from '../../domain/note-app/to-note-app-events.ts';
import { trackNoteAppUsage } from '../../domain/note-app/track-note-app-usage.ts';
import { embeddingTokens } from '../../domain/usage/read-usage-tokens.ts';
import { clientAbortSignal } from '../../plugins/client-abort-signal.ts';
import { classifyError } from '../../plugins/error-handler.ts';
import { pipeEventStream } from '../../plugins/pipe-event-stream.ts';
import { formatEventFrame } from '../../plugins/sse.ts';
import { callerPolicyOf } from '../caller-policy-of.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/** Notes, conversations and images (4 MiB each, base64) can be long; 24 MiB bounds a request without getting in the way. */
const AI_BODY_LIMIT_BYTES = 24 * 1024 * 1024;
/** Embeddings of many notes at once. */
const EMBED_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * What the stream answers, for the OpenAPI document (the route writes the frames itself through the pump, so
 * nothing is serialized with it): each SSE event's `data` is one of these, its `event:` name equals `type`
 * (docs/note-app-api.md, "The event stream").
 */
const AI_STREAM_RESPONSE = {
  description:
    'Server-Sent Events: `event: <type>` and one `data:` line of JSON per event, `delta` / `reasoning` … then ' +
    'exactly one `done` or `error`; `: keep-alive` comments in quiet stretches. See docs/note-app-api.md.',
  content: { 'text/event-stream': { schema: aiStreamEventSchema } },
};

/**
 * The note-app API: one answer as JSON, or the answer as it is generated over SSE. Both reachable with a session
 * or a gateway API key. A client that goes away from `/chat` aborts the upstream request; a stream's upstream keeps
 * running for the grace period, so its owner can resume it (`GET /api/ai/streams/:streamId`, docs/note-app-api.md).
 */
export async function aiRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  // An answer in the settings UI (a session, not a program's key) ticks "try it" on Getting started.
  const noteAnswer = async (request: FastifyRequest) => {
    const auth = requireAuth(request);
    if (auth.method === 'session') await recordPlaygroundAnswer(services.context, auth.user.id);
  };

  app.post(
    '/api/ai/chat',
    {
      bodyLimit: AI_BODY_LIMIT_BYTES,
      schema: { body: aiRequestSchema, response: { 200: aiChatResponseSchema } },
      config: { access: 'session-or-api-key', trackUsage: true },
    },
    async (request, reply) => {
      const abortSignal = clientAbortSignal(reply);
      const auth = requireAuth(request);
      request.usage?.setFeature(request.body.feature);
      const chat = await services.gateway.startChat({
        userId: auth.user.id,
        policy: callerPolicyOf(auth),
        request: request.body,
        abortSignal,
        log: request.log,
      });
      reply.header('x-gateway-provider', chat.provider);
      request.usage?.answeredBy(chat);
      const answer = await collectChatResponse(chat.parts, {
        provider: chat.provider,
        model: chat.model,
        outputValidator: chat.outputValidator,
      });
      request.usage?.tokens(answer.usage);
      await noteAnswer(request);
      return answer;
    },
  );

  // One format for the first response and every resumed one: each event under the id it was first sent with.
  const toFrame = (stored: StoredStreamEvent) => formatEventFrame(stored.event.type, stored.event, stored.id);
  // The answer is noted before its `done` event goes out, so a page that reads Getting started right after the
  // answer sees it ticked. A stage of its own because the pump's `toFrame` cannot await (pipe-event-stream.ts); only
  // for a session, the one caller it notes: a program's stream goes without that stage per event (issue 22 profile).
  function notingAnswer(request: FastifyRequest, events: AsyncIterable<StoredStreamEvent>) {
    return requireAuth(request).method === 'session' ? notingDone(request, events) : events;
  }
  async function* notingDone(request: FastifyRequest, events: AsyncIterable<StoredStreamEvent>) {
    for await (const stored of events) {
      if (stored.event.type === 'done') await noteAnswer(request);
      yield stored;
    }
  }

  app.post(
    '/api/ai/stream',
    {
      bodyLimit: AI_BODY_LIMIT_BYTES,
      schema: { body: aiRequestSchema, response: { 200: AI_STREAM_RESPONSE } },
      config: { access: 'session-or-api-key', trackUsage: true },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const userId = auth.user.id;
      const policy = callerPolicyOf(auth);
      const usage = request.usage;
      usage?.setFeature(request.body.feature);
      // Until the first part arrived nothing is sent: failures here are ordinary HTTP errors (status, Retry-After).
      // From then on the answer runs into the stream store and this response is its first reader.
      const stream = await services.streams.open({
        userId,
        clientSignal: clientAbortSignal(reply),
        start: async (abortSignal) => {
          const chat = await services.gateway.startChat({
            userId,
            policy,
            request: request.body,
            abortSignal,
            log: request.log,
          });
          usage?.answeredBy(chat);
          return chat;
        },
        // The answer outlives this response (resumes read it too): its row ends with the answer, not with the pump.
        toEvents: (chat) =>
          trackNoteAppUsage(
            toNoteAppEvents(chat.parts, {
              provider: chat.provider,
              model: chat.model,
              describeError: describeStreamError,
              outputValidator: chat.outputValidator,
            }),
            usage,
          ),
        describeError: describeStreamError,
      });
      request.usage = null;
      reply.header('x-gateway-provider', stream.started.provider);
      reply.header('x-stream-id', stream.streamId);
      // The answer's first output is already in (the store opened on it): headers and first event leave in one
      // write, one client wake-up sooner, as on the /v1 streams (issue 22 bench).
      await pipeEventStream(reply, notingAnswer(request, stream.events), { toFrame, flushHeaders: false });
    },
  );

  app.get(
    '/api/ai/streams/:streamId',
    {
      schema: {
        params: z.object({ streamId: z.string().max(100) }),
        querystring: z.object({ lastEventId: z.string().max(20).optional() }),
      },
      config: { access: 'session-or-api-key' },
    },
    async (request, reply) => {
      // `Last-Event-ID` is what EventSource and our client send; the query form serves clients that cannot set it.
      const header = request.headers['last-event-id'];
      const events = services.streams.resume({
        streamId: request.params.streamId,
        userId: requireAuth(request).user.id,
        lastEventId: typeof header === 'string' && header !== '' ? header : request.query.lastEventId,
        clientSignal: clientAbortSignal(reply),
      });
      reply.header('x-stream-id', request.params.streamId);
      await pipeEventStream(reply, notingAnswer(request, events), { toFrame });
    },
  );

  // Stop: the client's own abort only detaches it (the answer waits the grace period for a resume); this ends it.
  app.delete(
    '/api/ai/streams/:streamId',
    { schema: { params: z.object({ streamId: z.string().max(100) }) }, config: { access: 'session-or-api-key' } },
    async (request, reply) => {
      services.streams.cancel({ streamId: request.params.streamId, userId: requireAuth(request).user.id });
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/ai/embed',
    {
      bodyLimit: EMBED_BODY_LIMIT_BYTES,
      schema: { body: aiEmbedRequestSchema, response: { 200: aiEmbedResponseSchema } },
      config: { access: 'session-or-api-key', trackUsage: true },
    },
    async (request, reply) => {
      const { input, model } = request.body;
      const auth = requireAuth(request);
      const result = await embedTexts(services.gateway, {
        userId: auth.user.id,
        policy: callerPolicyOf(auth),
        model: model ?? null,
        values: typeof input === 'string' ? [input] : input,
        abortSignal: clientAbortSignal(reply),
      });
      reply.header('x-gateway-provider', result.provider);
      request.usage?.answeredBy(result);
      request.usage?.tokens(embeddingTokens(result.tokens));
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
    async (request) => {
      const auth = requireAuth(request);
      return { models: await services.gateway.listModels(auth.user.id, callerPolicyOf(auth)) };
    },
  );
}

/** A failure once the stream has started, as the note-app `error` event tells it: code, message, when to retry. */
function describeStreamError(error: unknown): ErrorDescription {
  const classified = classifyError(error);
  return { code: classified.code, message: classified.message, retryAfter: classified.retryAfterSeconds ?? null };
}
