import { messagesRequestSchema } from '../../domain/anthropic-compat/messages-request.ts';
import { startMessage } from '../../domain/anthropic-compat/start-message.ts';
import { readAnthropicTokens } from '../../domain/usage/read-usage-tokens.ts';
import { toAnthropicError } from '../../plugins/anthropic-error-envelope.ts';
import { clientAbortSignal } from '../../plugins/client-abort-signal.ts';
import { classifyError } from '../../plugins/error-handler.ts';
import { pipeEventStream } from '../../plugins/pipe-event-stream.ts';
import { formatEventFrame } from '../../plugins/sse.ts';
import { callerPolicyOf } from '../caller-policy-of.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';
import { logV1Access, setOverheadHeader, type V1AccessFields } from './log-v1-access.ts';
import { V1_BODY_LIMIT_BYTES, type V1App } from './v1-app.ts';

/** Each request's body as sent, for the same-protocol relay; gone with the request. */
const sentBodies = new WeakMap<object, object>();

/**
 * `POST /v1/messages`: Anthropic's Messages shape in and out, streamed or not (docs/anthropic-protocol.md), on the
 * same router as every other API. Registered in the Anthropic scope of `/v1` (`anthropic-routes.ts`), whose errors
 * use Anthropic's envelope.
 */
export function registerMessagesRoute(app: V1App, services: RouteServices): void {
  app.post(
    '/messages',
    {
      bodyLimit: V1_BODY_LIMIT_BYTES,
      schema: { body: messagesRequestSchema },
      config: { access: 'api-key', trackUsage: true },
      // The body as the client sent it, before the schema's parse reshapes it (string content expanded, unknown
      // nested fields dropped): a request relayed to Anthropic goes as it was sent (docs/anthropic-protocol.md §7).
      // A callback hook, not an async one: no promise per request for a one-line synchronous step (issue 22).
      preValidation: (request, _reply, done) => {
        if (typeof request.body === 'object' && request.body != null) sentBodies.set(request, request.body);
        done();
      },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const abortSignal = clientAbortSignal(reply);
      const answer = await startMessage(services.gateway, {
        userId: auth.user.id,
        policy: callerPolicyOf(auth),
        request: request.body,
        context: services.context,
        abortSignal,
        log: request.log,
        sentBody: sentBodies.get(request),
        headers: {
          anthropicVersion: headerValue(request.headers['anthropic-version']),
          anthropicBeta: headerValue(request.headers['anthropic-beta']),
        },
      });
      request.usage?.answeredBy(answer);
      reply.header('x-gateway-provider', answer.provider);
      reply.header('x-gateway-model', answer.model);
      if (answer.warnings.length > 0) reply.header('x-gateway-warning', answer.warnings.join('; '));
      const overheadMs = setOverheadHeader(reply, answer.upstreamWaitMs);
      const access: V1AccessFields = { status: 200, provider: answer.provider, model: answer.model, overheadMs };
      if (answer.kind === 'message') {
        request.usage?.tokens(readAnthropicTokens(answer.message.usage));
        logV1Access(request, reply, {
          ...access,
          promptTokens: answer.message.usage.input_tokens,
          completionTokens: answer.message.usage.output_tokens,
        });
        return answer.message;
      }

      await pipeEventStream(reply, answer.items, {
        // The first part has arrived (the runner waits for it), so message_start goes out with the headers.
        flushHeaders: false,
        toFrame: (item) => {
          if (item.kind === 'event') return formatEventFrame(item.event.type, item.event);
          if (item.kind === 'usage') {
            access.promptTokens = item.usage.input_tokens;
            access.completionTokens = item.usage.output_tokens;
            request.usage?.tokens(readAnthropicTokens(item.usage));
            return undefined;
          }
          // After the first byte the status is sent: Anthropic reports the failure as an `error` event, which ends it.
          request.usage?.fail(classifyError(item.error).code);
          return formatEventFrame('error', toAnthropicError(item.error).body);
        },
        errorFrame: (error) => formatEventFrame('error', toAnthropicError(error).body),
        onEnd: ({ status }) => logV1Access(request, reply, { ...access, status }),
      });
    },
  );
}

/** A header as one string: repeated values joined as HTTP allows, an absent or empty one undefined. */
function headerValue(value: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined == null || joined === '' ? undefined : joined;
}
