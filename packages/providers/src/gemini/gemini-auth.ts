import type { FetchFunction } from '../common/fetch-function.ts';

/**
 * An API key (public Gemini API), or an OAuth access token source (Google sign-in). After a 401 the source is asked
 * once more with the refused token, so it can refresh (a token revoked or expired early at Google).
 */
export type GeminiAuth =
  | { apiKey: string }
  | { getAccessToken(options?: { rejectedAccessToken?: string }): Promise<string> };

/**
 * Placeholder handed to the AI SDK on the OAuth path: `@ai-sdk/google` only knows API keys and refuses to build a
 * request without one (it would otherwise read `GOOGLE_GENERATIVE_AI_API_KEY` from the environment).
 * `createGeminiFetch` removes it again before anything leaves the process.
 */
export const OAUTH_PLACEHOLDER_API_KEY = 'oauth-bearer-placeholder';

/**
 * The `fetch` given to the AI SDK. On the OAuth path it swaps the SDK's `x-goog-api-key` header for
 * `Authorization: Bearer <token>` (fetched per request, so a refreshed token is picked up). On streaming calls it
 * also repairs a Google quirk: a mid-stream failure can be written as a bare JSON object without `data:`, which SSE
 * parsers would silently drop; it is re-framed as a `data:` event so the SDK reports it.
 */
export function createGeminiFetch(options: { auth: GeminiAuth; fetch?: FetchFunction | undefined }): FetchFunction {
  const baseFetch = options.fetch ?? globalThis.fetch;
  const { auth } = options;
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    let token: string | undefined;
    if ('getAccessToken' in auth) {
      token = await auth.getAccessToken();
      headers.delete('x-goog-api-key');
      headers.set('authorization', `Bearer ${token}`);
    }
    let response = await baseFetch(input, { ...init, headers });
    if (response.status === 401 && token != null && 'getAccessToken' in auth) {
      // One refresh and one retry, before anything was read: the same recovery as the ChatGPT path.
      const refreshed = await auth.getAccessToken({ rejectedAccessToken: token });
      if (refreshed !== token) {
        await response.body?.cancel().catch(() => {});
        headers.set('authorization', `Bearer ${refreshed}`);
        response = await baseFetch(input, { ...init, headers });
      }
    }
    const url = input instanceof Request ? input.url : String(input);
    if (!response.ok || response.body == null || !url.includes('alt=sse')) return response;
    return new Response(response.body.pipeThrough(createBareJsonReframer()), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** Passes SSE lines through and turns bare JSON (possibly spread over several lines) into `data:` events. */
function createBareJsonReframer(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = '';
  let bare = '';

  const emitBare = (controller: TransformStreamDefaultController<Uint8Array>, force: boolean) => {
    let value: unknown;
    try {
      value = JSON.parse(bare);
    } catch {
      if (!force) return;
      controller.enqueue(encoder.encode(`data: ${bare.replace(/\s*\n\s*/g, ' ')}\n\n`));
      bare = '';
      return;
    }
    // Code Assist sometimes wraps the error in a one-element array.
    const event = Array.isArray(value) && value.length === 1 ? value[0] : value;
    controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
    bare = '';
  };

  const handleLine = (line: string, controller: TransformStreamDefaultController<Uint8Array>) => {
    if (bare !== '') {
      bare += `\n${line}`;
      emitBare(controller, false);
    } else if (line.startsWith('{') || line.startsWith('[')) {
      bare = line;
      emitBare(controller, false);
    } else {
      controller.enqueue(encoder.encode(`${line}\n`));
    }
  };

  return new TransformStream({
    transform(chunk, controller) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split(/\r\n|\n|\r(?!$)/);
      buffer = lines.pop() ?? '';
      for (const line of lines) handleLine(line, controller);
    },
    flush(controller) {
      buffer += decoder.decode();
      if (buffer !== '') handleLine(buffer.replace(/\r$/, ''), controller);
      if (bare !== '') emitBare(controller, true);
    },
  });
}
