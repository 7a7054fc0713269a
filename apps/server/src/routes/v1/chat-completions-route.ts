import { randomBytes } from 'node:crypto';
import { chatCompletionRequestSchema } from '../../domain/openai-compat/chat-completion-request.ts';
import { collectChatCompletion } from '../../domain/openai-compat/collect-chat-completion.ts';
import { toChatCompletionChunks } from '../../domain/openai-compat/to-chat-completion-chunks.ts';
import { toModelCall } from '../../domain/openai-compat/to-model-call.ts';
import { clientAbortSignal } from '../../plugins/client-abort-signal.ts';
import { toOpenAiError } from '../../plugins/openai-error-envelope.ts';
import { startEventStream } from '../../plugins/sse.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';
import { logV1Access, setOverheadHeader, type V1AccessFields } from './log-v1-access.ts';
import { V1_BODY_LIMIT_BYTES, type V1App } from './v1-app.ts';

/** `POST /v1/chat/completions`: OpenAI's chat shape in and out, streamed or not, through the common runner. */
export function registerChatCompletionsRoute(app: V1App, services: RouteServices): void {
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
        reasoningOutput: auth.method === 'api-key' ? auth.reasoningOutput : ('field' as const),
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
