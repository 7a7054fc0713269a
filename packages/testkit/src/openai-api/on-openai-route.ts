import type { ServerResponse } from 'node:http';
import type { HttpMethod } from '../create-router.ts';
import type { FakeRequest } from '../fake-request.ts';
import { authorizeOpenAiApiRequest } from './authorize-openai-api-request.ts';
import { watchClientClose } from './fake-client-close.ts';
import type { FakeOpenAiApiContext } from './fake-openai-api-context.ts';
import { OPENAI_API_MESSAGES, OpenAiRequestRejectedError, sendOpenAiApiRejection } from './openai-api-error.ts';

export type OpenAiRouteHandler = (
  request: FakeRequest<Record<string, string>>,
  reply: ServerResponse,
) => void | Promise<void>;

/**
 * Adds an API route: the key is checked first (as the real server does, before it reads the body), client aborts are
 * recorded, and a validator's `OpenAiRequestRejectedError` becomes the error response.
 */
export function onOpenAiRoute(options: {
  context: FakeOpenAiApiContext;
  method: HttpMethod;
  path: string;
  handler: OpenAiRouteHandler;
}): void {
  const { context } = options;
  context.router.on(options.method, options.path, async (request, reply) => {
    watchClientClose({
      reply,
      method: request.method,
      path: request.path,
      closes: context.clientCloses,
      now: context.now,
    });
    const denied = authorizeOpenAiApiRequest({ request, apiKeys: context.apiKeys });
    if (denied != null) {
      sendOpenAiApiRejection({ reply, rejection: denied });
      return;
    }
    try {
      await options.handler(request, reply);
    } catch (error) {
      if (!(error instanceof OpenAiRequestRejectedError) || reply.headersSent) throw error;
      sendOpenAiApiRejection({ reply, rejection: error.rejection });
    }
  });
}

/** The parsed body; an unparsable one gets the real server's parse-error message. */
export function readOpenAiJsonBody(request: FakeRequest<Record<string, string>>): unknown {
  try {
    return request.json();
  } catch {
    throw new OpenAiRequestRejectedError({ message: OPENAI_API_MESSAGES.invalidJson });
  }
}
