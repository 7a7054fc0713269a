import { restoreCodexToolNames } from '@pag/providers';
import { collectCodexResponse } from '../../domain/openai-compat/collect-codex-response.ts';
import { finalResponsesEvent } from '../../domain/openai-compat/final-responses-event.ts';
import { forwardResponses } from '../../domain/openai-compat/forward-responses.ts';
import { relayCodexEvents } from '../../domain/openai-compat/relay-codex-events.ts';
import { responsesRequestSchema } from '../../domain/openai-compat/responses-request.ts';
import { responsesToModelCall } from '../../domain/openai-compat/responses-to-model-call.ts';
import { type ResponsesEvent, toResponsesEvents } from '../../domain/openai-compat/to-responses-events.ts';
import { withUpstreamWait } from '../../domain/upstream-wait.ts';
import { trackResponsesEnd } from '../../domain/usage/track-responses-end.ts';
import { clientAbortSignal } from '../../plugins/client-abort-signal.ts';
import { toOpenAiError } from '../../plugins/openai-error-envelope.ts';
import { pipeEventStream } from '../../plugins/pipe-event-stream.ts';
import { relayEventStream } from '../../plugins/relay-event-stream.ts';
import { formatEventFrame } from '../../plugins/sse.ts';
import { callerPolicyOf } from '../caller-policy-of.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';
import { logV1Access, setOverheadHeader } from './log-v1-access.ts';
import { V1_BODY_LIMIT_BYTES, type V1App } from './v1-app.ts';

/** The events that end a Responses stream and carry its usage or its failure (docs/codex-protocol.md §6.2). */
const TERMINAL_EVENT_TYPES = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/** A failure no event of the stream itself reports, as the Responses `error` event. */
const toErrorEventFrame = (error: unknown) =>
  formatEventFrame('error', { ...toOpenAiError(error).body.error, type: 'error' });

/**
 * `POST /v1/responses`: relayed to the Codex backend when the model is the subscription's, otherwise translated
 * through the common runner and answered with the same event sequence.
 */
export function registerResponsesRoute(app: V1App, services: RouteServices): void {
  app.post(
    '/responses',
    {
      bodyLimit: V1_BODY_LIMIT_BYTES,
      schema: { body: responsesRequestSchema },
      config: { access: 'api-key', trackUsage: true },
    },
    async (request, reply) => {
      const abortSignal = clientAbortSignal(reply);
      const auth = requireAuth(request);
      const userId = auth.user.id;
      const policy = callerPolicyOf(auth);
      const forwarded = await forwardResponses(services.gateway, {
        userId,
        policy,
        request: request.body,
        abortSignal,
        log: request.log,
      });
      if (forwarded.kind === 'translate') {
        // The model routes to a provider without the Responses protocol: translate through the common runner,
        // on the route already planned.
        const { call, reasoningEffort } = responsesToModelCall(request.body);
        const chat = await services.gateway.startModelStream({
          userId,
          policy,
          requestedModel: request.body.model,
          call,
          reasoningEffort,
          abortSignal,
          route: forwarded.route,
          log: request.log,
        });
        request.usage?.answeredBy(chat);
        reply.header('x-gateway-provider', chat.provider);
        reply.header('x-gateway-model', chat.model);
        const translation = { model: chat.model, request: request.body };
        if (request.body.stream !== true) {
          const collectStartedAt = performance.now();
          let last: ResponsesEvent | undefined;
          try {
            last = await finalResponsesEvent(chat.parts, translation);
          } catch (error) {
            throw withUpstreamWait(error, chat.upstreamWaitMs + (performance.now() - collectStartedAt));
          }
          const overheadMs = setOverheadHeader(reply, chat.upstreamWaitMs + (performance.now() - collectStartedAt));
          logV1Access(request, reply, { status: 200, provider: chat.provider, model: chat.model, overheadMs });
          trackResponsesEnd(
            request.usage,
            last?.type ?? 'response.completed',
            last?.response as Record<string, unknown>,
          );
          return last?.response;
        }
        const overheadMs = setOverheadHeader(reply, chat.upstreamWaitMs);
        await pipeEventStream(reply, toResponsesEvents(chat.parts, translation), {
          toFrame: (event) => {
            if (TERMINAL_EVENT_TYPES.has(event.type)) {
              trackResponsesEnd(request.usage, event.type, event.response as Record<string, unknown> | undefined);
            }
            return formatEventFrame(event.type, event);
          },
          errorFrame: toErrorEventFrame,
          onEnd: ({ status }) =>
            logV1Access(request, reply, { status, provider: chat.provider, model: chat.model, overheadMs }),
        });
        return reply;
      }
      // Only the upstream's headers are in: the first output is marked by the pump (stream) or at the end (JSON).
      request.usage?.answeredBy({ provider: 'chatgpt', model: forwarded.model }, { hasOutput: false });
      reply.header('x-gateway-provider', 'chatgpt');
      reply.header('x-gateway-model', forwarded.model);
      if (forwarded.dropped.length > 0) {
        reply.header(
          'x-gateway-warning',
          `not supported by the subscription backend, ignored: ${forwarded.dropped.join(', ')}`,
        );
      }
      // Tool names the backend would refuse went out cleaned (the providers' Codex request rules); the client gets
      // its own names back in the relayed events and the collected response.
      const body = restoreCodexToolNames(forwarded.response.body, forwarded.toolNames);
      if (request.body.stream !== true) {
        const collectStartedAt = performance.now();
        const response = await collectCodexResponse({ body, url: forwarded.url }).catch((error: unknown) => {
          throw withUpstreamWait(error, forwarded.upstreamWaitMs + (performance.now() - collectStartedAt));
        });
        const overheadMs = setOverheadHeader(reply, forwarded.upstreamWaitMs + (performance.now() - collectStartedAt));
        logV1Access(request, reply, { status: 200, provider: 'chatgpt', model: forwarded.model, overheadMs });
        request.usage?.firstOutput();
        trackResponsesEnd(request.usage, 'response.completed', response as Record<string, unknown>);
        return response;
      }
      const overheadMs = setOverheadHeader(reply, forwarded.upstreamWaitMs);
      await relayEventStream(
        reply,
        relayCodexEvents(body, {
          url: forwarded.url,
          onTerminal: (type, response) => trackResponsesEnd(request.usage, type, response),
        }),
        {
          errorFrame: toErrorEventFrame,
          onEnd: ({ status }) =>
            logV1Access(request, reply, { status, provider: 'chatgpt', model: forwarded.model, overheadMs }),
        },
      );
    },
  );
}
