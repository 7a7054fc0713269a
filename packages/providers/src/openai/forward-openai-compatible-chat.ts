import { request } from 'undici';
import { truncateResponseBody } from '../errors/truncate-response-body.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { toTransportError } from '../shared/to-transport-error.ts';
import { openAiHttpFailureToProviderError } from './openai-error.ts';

/** The upstream's 2xx answer, its body not yet read: SSE when the request streamed, else one JSON document. */
export type ForwardedChat = {
  url: string;
  /** Read once: iterate it (a stream) or call `text()`. Destroyed when the caller's abort signal fires. */
  body: AsyncIterable<Uint8Array> & { text(): Promise<string> };
};

/**
 * Sends an already-shaped Chat Completions body to an OpenAI-compatible `/chat/completions` and returns the 2xx
 * answer unread, for callers that relay it (`/v1/chat/completions` on an API key). Failures get the same classes as
 * the chat model's: HTTP errors through `openAiHttpFailureToProviderError`, network failures through
 * `toTransportError`; the caller's abort passes through.
 *
 * Hand-rolled on `undici.request` rather than the AI SDK (which uses `fetch`): on the relay path the SDK's parse
 * and re-serialise of every chunk and fetch's web streams were most of the gateway's own time (issue 7 profile);
 * `request` skips both. Same defaults as `fetch` for timeouts (undici's 300 s for headers and between body bytes).
 */
export async function forwardOpenAiCompatibleChat(options: {
  baseUrl: string;
  apiKey: string;
  body: Record<string, unknown>;
  abortSignal?: AbortSignal | undefined;
}): Promise<ForwardedChat> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const isStream = options.body.stream === true;
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
        accept: isStream ? 'text/event-stream' : 'application/json',
      },
      body: JSON.stringify(options.body),
      ...(options.abortSignal == null ? {} : { signal: options.abortSignal }),
    });
  } catch (error) {
    throw toTransportError(error, url);
  }
  const { statusCode, headers, body } = response;
  if (statusCode >= 200 && statusCode < 300) return { url, body };
  let responseBody: string | undefined;
  try {
    responseBody = truncateResponseBody(await body.text());
  } catch (error) {
    throw toTransportError(error, url);
  }
  throw openAiHttpFailureToProviderError({
    url,
    statusCode,
    responseBody,
    responseHeaders: toHeaderRecord(headers),
    cause: undefined,
  });
}

/** Reads a relayed non-stream answer as JSON; an unparsable body is the upstream's protocol error. */
export async function readForwardedJson(forwarded: ForwardedChat): Promise<unknown> {
  let text: string;
  try {
    text = await forwarded.body.text();
  } catch (error) {
    throw toTransportError(error, forwarded.url);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UpstreamProtocolError({
      message: `The upstream answered 200 with a body that is not JSON: ${truncateResponseBody(text)}`,
      url: forwarded.url,
      cause: error,
    });
  }
}

function toHeaderRecord(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value != null) record[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return record;
}
