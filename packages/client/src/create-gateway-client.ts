import {
  type AiChatResponse,
  type AiEmbedRequest,
  type AiEmbedResponse,
  type AiRequest,
  type AiStreamEvent,
  aiChatResponseSchema,
  aiEmbedResponseSchema,
  aiStreamEventSchema,
  type ModelEntry,
  modelListSchema,
} from '@pag/contracts';
import type { z } from 'zod';
import type { AppConnection } from './app-connection.ts';
import { type AppTokenSource, createAppTokenSource } from './create-app-token-source.ts';
import { GatewayClientError, isAbortError } from './gateway-client-error.ts';
import { readEventStream } from './read-event-stream.ts';

/**
 * How long to wait before each attempt to resume a dropped stream (docs/client-sdk.md §2: 0.25, 0.5, 1, 2, 4 s,
 * at most five attempts in a row without a new event).
 */
export const RESUME_BACKOFF_MS: readonly number[] = [250, 500, 1_000, 2_000, 4_000];

export type GatewayClientOptions = {
  /** Where the gateway is, e.g. `http://127.0.0.1:8787`; in the gateway's own web app, its origin. */
  baseUrl: string;
  /** A gateway API key (`gwk_…`), sent as `Authorization: Bearer`. */
  apiKey?: string;
  /**
   * An app connection from {@link completeAppConnect}: its access token is sent as `Authorization: Bearer` and
   * refreshed by the client (when it expires, or when the gateway answers 401 `invalid_token`); every refreshed
   * connection goes to `onConnectionChange`, which must persist it (the refresh token rotates).
   */
  app?: { connection: AppConnection; onConnectionChange?: (connection: AppConnection) => void };
  /**
   * Sent with every request. Without `apiKey` or `app`, a request carries the browser's session cookie (same origin
   * only) and these headers must carry the CSRF token the gateway asks of cookie-authenticated writes.
   */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Waits before the resume attempts of a dropped stream; the protocol's schedule by default (tests shorten it). */
  resumeBackoffMs?: readonly number[];
};

export type RequestOptions = { signal?: AbortSignal };

export type StreamOptions = RequestOptions & {
  /** Resume a dropped connection where it left off (default true); false ends with `stream_lost` instead. */
  resume?: boolean;
  /** Called before each attempt to resume a dropped stream (1-based), e.g. to show "reconnecting…". */
  onResuming?: (attempt: number) => void;
};

export type GatewayClient = {
  /** One answer as JSON (`POST /api/ai/chat`). */
  chat(request: AiRequest, options?: RequestOptions): Promise<AiChatResponse>;
  /**
   * The answer as it is generated (`POST /api/ai/stream`): `delta`, `reasoning`, then `done` — or an `error`
   * event if the upstream failed after it had started. A dropped connection is resumed by itself
   * (`GET /api/ai/streams/{id}` with `Last-Event-ID`), without repeating an event; when that is impossible the loop
   * throws `GatewayClientError` code `stream_lost`. Leaving the loop early (or aborting the signal) cancels the
   * request, and with it the upstream generation, and never resumes.
   */
  stream(request: AiRequest, options?: StreamOptions): AsyncIterable<AiStreamEvent>;
  /** Embedding vectors, one per input (`POST /api/ai/embed`). */
  embed(request: AiEmbedRequest, options?: RequestOptions): Promise<AiEmbedResponse>;
  /** The models the caller may use (`GET /api/ai/models`), subscription first. */
  models(options?: RequestOptions): Promise<ModelEntry[]>;
};

type SendOptions = {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  signal: AbortSignal | undefined;
  accept: string;
  headers?: Record<string, string>;
};

/**
 * The typed client of the gateway's note-app API, for note apps (browser, Electron, Node, Deno: fetch, web streams
 * and Web Crypto only) and the gateway's own settings UI and tests.
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  // Called as a plain function: a browser's fetch refuses to run as a method of another object.
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const doFetch: typeof fetch = (input, init) => fetchImpl(input, init);
  const backoff = options.resumeBackoffMs ?? RESUME_BACKOFF_MS;
  const tokens: AppTokenSource | null =
    options.app == null
      ? null
      : createAppTokenSource({
          connection: options.app.connection,
          ...(options.app.onConnectionChange == null ? {} : { onConnectionChange: options.app.onConnectionChange }),
          fetch: doFetch,
        });
  const url = (path: string) => new URL(path, options.baseUrl).toString();

  const attempt = async (send: SendOptions, bearer: string | null): Promise<Response> => {
    try {
      return await doFetch(url(send.path), {
        method: send.method,
        headers: {
          ...options.headers,
          ...(bearer == null ? {} : { authorization: `Bearer ${bearer}` }),
          ...(send.body === undefined ? {} : { 'content-type': 'application/json' }),
          accept: send.accept,
          ...send.headers,
        },
        ...(send.body === undefined ? {} : { body: JSON.stringify(send.body) }),
        // The session cookie must never be offered to another origin.
        credentials: 'same-origin',
        signal: send.signal ?? null,
      });
    } catch (error) {
      if (isAbortError(error)) throw error;
      throw GatewayClientError.network(options.baseUrl, error);
    }
  };

  /** One request, with the app token refreshed and the request sent again once if the gateway rejected it. */
  const send = async (request: SendOptions): Promise<Response> => {
    let bearer = tokens == null ? (options.apiKey ?? null) : await tokens.accessToken();
    let response = await attempt(request, bearer);
    if (tokens != null && bearer != null && (await isRejectedToken(response))) {
      bearer = await tokens.replaceRejected(bearer);
      response = await attempt(request, bearer);
    }
    if (!response.ok) throw await GatewayClientError.fromResponse(response);
    return response;
  };

  const json = async <T>(response: Response, schema: z.ZodType<T>): Promise<T> => {
    const body: unknown = await response.json().catch(() => undefined);
    // Validated, but handed over as sent: fields a newer gateway adds reach the app.
    if (!schema.safeParse(body).success) {
      throw new GatewayClientError({
        status: response.status,
        code: 'unexpected_response',
        message: 'The gateway’s answer is not in the shape this client knows: is it a gateway at all?',
        retryAfter: null,
      });
    }
    return body as T;
  };

  return {
    async chat(request, requestOptions = {}) {
      const response = await send({
        method: 'POST',
        path: '/api/ai/chat',
        body: request,
        signal: requestOptions.signal,
        accept: 'application/json',
      });
      return json(response, aiChatResponseSchema);
    },

    async embed(request, requestOptions = {}) {
      const response = await send({
        method: 'POST',
        path: '/api/ai/embed',
        body: request,
        signal: requestOptions.signal,
        accept: 'application/json',
      });
      return json(response, aiEmbedResponseSchema);
    },

    async models(requestOptions = {}) {
      const response = await send({
        method: 'GET',
        path: '/api/ai/models',
        signal: requestOptions.signal,
        accept: 'application/json',
      });
      return (await json(response, modelListSchema)).models;
    },

    async *stream(request, streamOptions = {}) {
      const controller = new AbortController();
      const onAbort = () => controller.abort(streamOptions.signal?.reason);
      if (streamOptions.signal?.aborted === true) onAbort();
      streamOptions.signal?.addEventListener('abort', onAbort, { once: true });
      let streamId: string | null = null;
      let hasEnded = false;
      let hasFailed = false;
      try {
        let response = await send({
          method: 'POST',
          path: '/api/ai/stream',
          body: request,
          signal: controller.signal,
          accept: 'text/event-stream',
        });
        streamId = response.headers.get('x-stream-id');
        /** The id of the last event handed to the caller: what a resume asks to continue after. */
        let lastEventId: number | null = null;
        let failedAttempts = 0;
        for (;;) {
          let dropped: unknown = null;
          try {
            if (response.body == null) throw new Error('the gateway sent no body');
            for await (const message of readEventStream(response.body)) {
              const id = message.id == null || !/^\d+$/.test(message.id) ? null : Number(message.id);
              // A resumed stream starts after Last-Event-ID, but an event seen twice is skipped all the same.
              if (id != null && lastEventId != null && id <= lastEventId) continue;
              const event = parseEvent(message.data);
              if (id != null) lastEventId = id;
              // An event this client does not know (a newer gateway's) is skipped, as SSE readers skip them.
              if (event == null) continue;
              failedAttempts = 0;
              if (event.type === 'done' || event.type === 'error') hasEnded = true;
              yield event;
              if (hasEnded) return;
            }
          } catch (error) {
            if (controller.signal.aborted || isAbortError(error)) throw error;
            dropped = error;
          }
          // The body ended (or broke) before `done` or `error`: the connection dropped, not the answer.
          if (streamOptions.resume === false || streamId == null) {
            throw streamLost(
              streamId == null
                ? 'The connection to the gateway dropped before the answer ended, and this gateway cannot resume streams.'
                : 'The connection to the gateway dropped before the answer ended.',
              dropped,
            );
          }
          response = await resume(streamId, lastEventId);
        }

        /** Reopens the stream after `lastEventId`, with the protocol's backoff; throws `stream_lost` when it can't. */
        async function resume(id: string, after: number | null): Promise<Response> {
          let lastError: unknown = null;
          while (failedAttempts < backoff.length) {
            const wait = backoff[failedAttempts] ?? 0;
            failedAttempts += 1;
            streamOptions.onResuming?.(failedAttempts);
            await sleep(wait, controller.signal);
            try {
              return await send({
                method: 'GET',
                path: `/api/ai/streams/${encodeURIComponent(id)}`,
                signal: controller.signal,
                accept: 'text/event-stream',
                headers: after == null ? {} : { 'last-event-id': String(after) },
              });
            } catch (error) {
              if (controller.signal.aborted || isAbortError(error)) throw error;
              if (error instanceof GatewayClientError && error.code === 'stream_not_found') {
                throw streamLost(
                  'The gateway no longer has this answer (it ended long ago, grew too large to keep, or the gateway restarted): ask again.',
                  error,
                );
              }
              // The caller's credentials or rights are not a connection problem: say so as the gateway did.
              if (error instanceof GatewayClientError && (error.status === 401 || error.status === 403)) throw error;
              lastError = error;
            }
          }
          throw streamLost(
            `The connection to the gateway dropped and ${backoff.length} attempts to resume the answer failed.`,
            lastError,
          );
        }
      } catch (error) {
        hasFailed = !(streamOptions.signal?.aborted ?? false);
        throw error;
      } finally {
        // Whether the loop ended, broke early or threw: stop the request. Leaving only detaches from the stream (the
        // gateway keeps an answer running a while for a resume), so a caller that stops an unfinished answer also
        // cancels it, and the gateway stops the model now. Best effort: the answer's grace period is the fallback.
        // A stream that failed (lost, refused) is not cancelled: there is nothing left to stop.
        controller.abort();
        streamOptions.signal?.removeEventListener('abort', onAbort);
        if (!hasEnded && !hasFailed && streamId != null) {
          send({
            method: 'DELETE',
            path: `/api/ai/streams/${encodeURIComponent(streamId)}`,
            signal: undefined,
            accept: '*/*',
          }).catch(() => undefined);
        }
      }
    },
  };
}

/** A `data:` payload as an event of the note-app stream, or null when it is not one this client knows. */
function parseEvent(data: string): AiStreamEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return null;
  }
  // Validated, but handed over as sent: fields a newer gateway adds (e.g. `done.output`) reach the app.
  return aiStreamEventSchema.safeParse(raw).success ? (raw as AiStreamEvent) : null;
}

function streamLost(message: string, cause: unknown): GatewayClientError {
  return new GatewayClientError({ status: null, code: 'stream_lost', message, retryAfter: null, cause });
}

/**
 * A 401 whose token the gateway no longer takes (expired or revoked): `WWW-Authenticate: Bearer
 * error="invalid_token"`, or the envelope's code. Reads a copy, so the caller still has the body.
 */
async function isRejectedToken(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  if (/error="?invalid_token/.test(response.headers.get('www-authenticate') ?? '')) return true;
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { error?: { code?: unknown } } | null;
  return body?.error?.code === 'invalid_token' || body?.error?.code === 'unauthenticated';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
