import {
  type AiRequest,
  type AiStreamEvent,
  aiStreamEventSchema,
  CSRF_HEADER,
  type ModelEntry,
  modelListSchema,
} from '@pag/contracts';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { ApiError } from './api-error.ts';
import { processErrorResponse, requestApi } from './request-api.ts';

/** `GET /api/ai/models`: the user's merged catalogue, subscription first. */
export async function listModels(signal?: AbortSignal): Promise<ModelEntry[]> {
  return (await requestApi({ path: '/api/ai/models', schema: modelListSchema, signal })).models;
}

/**
 * `POST /api/ai/stream` with the session cookie: yields `delta`, `reasoning`, then `done` or `error` as the model
 * writes. A failure before the first event is thrown as an {@link ApiError} (with `retryAfter` for limits);
 * aborting `signal` stops the request, and the gateway stops the upstream with it.
 */
export async function* streamAnswer(options: {
  request: AiRequest;
  csrfToken: string | null;
  signal: AbortSignal;
}): AsyncGenerator<AiStreamEvent> {
  let response: Response;
  try {
    response = await fetch('/api/ai/stream', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(options.csrfToken == null ? {} : { [CSRF_HEADER]: options.csrfToken }),
      },
      body: JSON.stringify(options.request),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ code: 'network_error', status: 0, message: 'Could not reach the gateway.', cause: error });
  }
  if (!response.ok) throw await processErrorResponse(response);
  if (response.body == null) {
    throw new ApiError({
      code: 'unexpected_response',
      status: response.status,
      message: 'The gateway sent no stream.',
    });
  }
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const parsed = aiStreamEventSchema.safeParse(JSON.parse(value.data));
      if (!parsed.success) continue;
      yield parsed.data;
      if (parsed.data.type === 'done' || parsed.data.type === 'error') return;
    }
  } finally {
    // Leaving early (stop, unmount) cancels the body, which closes the connection and the upstream request.
    await reader.cancel().catch(() => {});
  }
}
