import type { ServerResponse } from 'node:http';
import type { HttpMethod } from '../create-router.ts';
import type { FakeRequest } from '../fake-request.ts';
import { watchClientClose } from '../openai-api/fake-client-close.ts';
import type { FakeGeminiCaller } from './authorize-gemini-request.ts';
import { authorizeGeminiRequest } from './authorize-gemini-request.ts';
import type { FakeGeminiApiContext } from './fake-gemini-api-context.ts';
import { GoogleRequestRejectedError, rejectInvalidPayload, sendGoogleApiError } from './google-api-error.ts';

export type GeminiRouteHandler = (options: {
  request: FakeRequest<Record<string, string>>;
  reply: ServerResponse;
  caller: FakeGeminiCaller;
}) => void | Promise<void>;

/** Adds an API route: credentials first, client aborts recorded, validator rejections answered in Google's shape. */
export function onGeminiRoute(options: {
  context: FakeGeminiApiContext;
  method: HttpMethod;
  path: string;
  handler: GeminiRouteHandler;
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
    const authorization = await authorizeGeminiRequest({
      request,
      apiKeys: context.apiKeys,
      verifyAccessToken: context.verifyAccessToken,
    });
    if (!authorization.ok) {
      sendGoogleApiError({ reply, body: authorization.error });
      return;
    }
    context.callers.push(authorization.caller);
    try {
      await options.handler({ request, reply, caller: authorization.caller });
    } catch (error) {
      if (!(error instanceof GoogleRequestRejectedError) || reply.headersSent) throw error;
      sendGoogleApiError({ reply, body: error.body });
    }
  });
}

/** The parsed body; invalid JSON gets Google's parse error. */
export function readGeminiJsonBody(request: FakeRequest<Record<string, string>>): unknown {
  if (request.rawBody.length === 0) return {};
  try {
    return request.json();
  } catch {
    throw rejectInvalidPayload({ message: 'Invalid JSON payload received. Unexpected token.' });
  }
}
