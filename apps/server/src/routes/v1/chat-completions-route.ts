import { chatCompletionRequestSchema } from '../../domain/openai-compat/chat-completion-request.ts';
import { startChatCompletion } from '../../domain/openai-compat/start-chat-completion.ts';
import { readChatCompletionTokens } from '../../domain/usage/read-usage-tokens.ts';
import { clientAbortSignal } from '../../plugins/client-abort-signal.ts';
import { classifyError } from '../../plugins/error-handler.ts';
import { toOpenAiError } from '../../plugins/openai-error-envelope.ts';
import { pipeEventStream } from '../../plugins/pipe-event-stream.ts';
import { formatDataFrame } from '../../plugins/sse.ts';
import { callerPolicyOf } from '../caller-policy-of.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';
import { logV1Access, setOverheadHeader, type V1AccessFields } from './log-v1-access.ts';
import { V1_BODY_LIMIT_BYTES, type V1App } from './v1-app.ts';

/**
 * `POST /v1/chat/completions`: OpenAI's chat shape in and out, streamed or not — relayed to an OpenAI-compatible
 * key, translated for every other route (see `startChatCompletion`).
 */
export function registerChatCompletionsRoute(app: V1App, services: RouteServices): void {
  app.post(
    '/chat/completions',
    {
      bodyLimit: V1_BODY_LIMIT_BYTES,
      schema: { body: chatCompletionRequestSchema },
      config: { access: 'api-key', trackUsage: true },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const abortSignal = clientAbortSignal(reply);
      const answer = await startChatCompletion(services.gateway, {
        userId: auth.user.id,
        policy: callerPolicyOf(auth),
        request: request.body,
        // Session callers (the playground) and connected apps (no per-app setting) see reasoning in its own field.
        reasoningOutput: auth.method === 'api-key' ? auth.reasoningOutput : 'field',
        abortSignal,
        log: request.log,
      });
      request.usage?.answeredBy(answer);
      reply.header('x-gateway-provider', answer.provider);
      reply.header('x-gateway-model', answer.model);
      if (answer.warnings.length > 0) reply.header('x-gateway-warning', answer.warnings.join('; '));
      const overheadMs = setOverheadHeader(reply, answer.upstreamWaitMs);
      const access: V1AccessFields = { status: 200, provider: answer.provider, model: answer.model, overheadMs };
      if (answer.kind === 'completion') {
        request.usage?.tokens(readChatCompletionTokens(answer.usage));
        logV1Access(request, reply, {
          ...access,
          promptTokens: answer.usage?.prompt_tokens,
          completionTokens: answer.usage?.completion_tokens,
        });
        return answer.completion;
      }

      // The prompt has been sent: nothing reads the parsed body again, and a stream lasts as long as its answer — a
      // long conversation must not stay in memory that long with every open stream (issue 22).
      (request as { body: unknown }).body = undefined;
      let hasFailed = false;
      await pipeEventStream(reply, answer.items, {
        // The first item has arrived (startChatCompletion waits for it), so it goes out with the headers.
        flushHeaders: false,
        toFrame: (item) => {
          if (item.kind === 'chunk') return formatDataFrame(item.chunk);
          if (item.kind === 'usage') {
            access.promptTokens = item.usage.prompt_tokens;
            access.completionTokens = item.usage.completion_tokens;
            request.usage?.tokens(readChatCompletionTokens(item.usage));
            return undefined;
          }
          // After the first byte the status is sent: the failure goes in the stream, as OpenAI does, and ends it.
          hasFailed = true;
          request.usage?.fail(classifyError(item.error).code);
          return formatDataFrame(toOpenAiError(item.error).body);
        },
        lastFrame: () => (hasFailed ? undefined : formatDataFrame('[DONE]')),
        errorFrame: (error) => formatDataFrame(toOpenAiError(error).body),
        onEnd: ({ status }) => logV1Access(request, reply, { ...access, status }),
      });
    },
  );
}
