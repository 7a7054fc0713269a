import {
  type AiChatResponse,
  type AiRequest,
  type AiStreamEvent,
  aiChatResponseSchema,
  aiStreamEventSchema,
} from '@pag/contracts';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { GatewayClientError } from './gateway-client-error.ts';

export type GatewayClientOptions = {
  /** Where the gateway is, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A gateway API key (`gwk_…`). */
  apiKey: string;
  fetch?: typeof fetch;
};

export type RequestOptions = { signal?: AbortSignal };

export type GatewayClient = {
  /** One answer as JSON (`POST /api/ai/chat`). */
  chat(request: AiRequest, options?: RequestOptions): Promise<AiChatResponse>;
  /**
   * The answer as it is generated (`POST /api/ai/stream`): `delta`, `reasoning`, then `done` — or an `error`
   * event if the upstream failed after it had started. Leaving the loop early (or aborting the signal) cancels
   * the request, and with it the upstream generation.
   */
  stream(request: AiRequest, options?: RequestOptions): AsyncIterable<AiStreamEvent>;
};

/** A typed client for note apps and scripts; also what the gateway's own end-to-end tests use. */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const doFetch = options.fetch ?? fetch;
  const url = (path: string) => new URL(path, options.baseUrl).toString();
  const post = async (path: string, body: AiRequest, signal: AbortSignal | undefined, accept: string) => {
    let response: Response;
    try {
      response = await doFetch(url(path), {
        method: 'POST',
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json', accept },
        body: JSON.stringify(body),
        signal: signal ?? null,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new GatewayClientError({
        status: null,
        code: 'network_error',
        message: `Could not reach the gateway at ${options.baseUrl}: ${(error as Error).message}`,
        retryAfter: null,
        cause: error,
      });
    }
    if (!response.ok) throw await GatewayClientError.fromResponse(response);
    return response;
  };

  return {
    async chat(request, requestOptions = {}) {
      const response = await post('/api/ai/chat', request, requestOptions.signal, 'application/json');
      return aiChatResponseSchema.parse(await response.json());
    },

    async *stream(request, requestOptions = {}) {
      const controller = new AbortController();
      const onAbort = () => controller.abort(requestOptions.signal?.reason);
      requestOptions.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const response = await post('/api/ai/stream', request, controller.signal, 'text/event-stream');
        if (response.body == null)
          throw new GatewayClientError({
            status: response.status,
            code: 'empty_body',
            message: 'The gateway sent no stream.',
            retryAfter: null,
          });
        const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
        for await (const message of events) {
          const event = aiStreamEventSchema.parse(JSON.parse(message.data));
          yield event;
          if (event.type === 'done' || event.type === 'error') return;
        }
      } finally {
        // Whether the loop ended, broke early or threw: stop the request so the gateway stops the upstream.
        controller.abort();
        requestOptions.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
