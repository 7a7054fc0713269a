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
  /** Where the gateway is, e.g. `http://127.0.0.1:8787`; in the gateway's own web app, its origin. */
  baseUrl: string;
  /**
   * A gateway API key (`gwk_…`). Without one the request carries the browser's session cookie instead (same origin
   * only), and `headers` must carry the CSRF token the gateway asks of cookie-authenticated writes.
   */
  apiKey?: string;
  /** Sent with every request (the web app's CSRF header). */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
};

export type RequestOptions = { signal?: AbortSignal };

export type GatewayClient = {
  /** One answer as JSON (`POST /api/ai/chat`). */
  chat(request: AiRequest, options?: RequestOptions): Promise<AiChatResponse>;
  /**
   * The answer as it is generated (`POST /api/ai/stream`): `delta`, `reasoning`, then `done` — or an `error`
   * event if the upstream failed after it had started. Leaving the loop early (or aborting the signal) cancels
   * the request, and with it the upstream generation. Browser-safe (fetch and web streams only): the gateway's own
   * web app streams through it.
   */
  stream(request: AiRequest, options?: RequestOptions): AsyncIterable<AiStreamEvent>;
};

/** A typed client for note apps and scripts; also what the gateway's own end-to-end tests use. */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const doFetch = options.fetch ?? fetch;
  const url = (path: string) => new URL(path, options.baseUrl).toString();
  const authorization: Record<string, string> =
    options.apiKey == null ? {} : { authorization: `Bearer ${options.apiKey}` };
  const post = async (path: string, body: AiRequest, signal: AbortSignal | undefined, accept: string) => {
    let response: Response;
    try {
      response = await doFetch(url(path), {
        method: 'POST',
        headers: { ...options.headers, ...authorization, 'content-type': 'application/json', accept },
        body: JSON.stringify(body),
        // The session cookie must never be offered to another origin.
        credentials: 'same-origin',
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
      if (requestOptions.signal?.aborted === true) onAbort();
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
        // A reader, not `for await` over the stream: Safari's ReadableStream is not async iterable, and the
        // gateway's web app streams through this client.
        const events = response.body
          .pipeThrough(new TextDecoderStream())
          .pipeThrough(new EventSourceParserStream())
          .getReader();
        for (;;) {
          const { done, value: message } = await events.read();
          if (done) return;
          // An event this client does not know (a newer gateway's) is skipped, as SSE readers skip unknown events.
          const parsed = aiStreamEventSchema.safeParse(JSON.parse(message.data));
          if (!parsed.success) continue;
          yield parsed.data;
          if (parsed.data.type === 'done' || parsed.data.type === 'error') return;
        }
      } finally {
        // Whether the loop ended, broke early or threw: stop the request so the gateway stops the upstream.
        controller.abort();
        requestOptions.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
