import type { Dispatcher } from 'undici';
import type { FetchFunction } from '../common/fetch-function.ts';
import { type ForwardedChat, forwardUpstreamJson } from '../common/forward-upstream-json.ts';
import { toTransportError } from '../common/to-transport-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { openAiHttpFailureToProviderError } from './openai-error.ts';

export type { ForwardedChat } from '../common/forward-upstream-json.ts';

/**
 * Sends an already-shaped Chat Completions body to an OpenAI-compatible `/chat/completions` and returns the 2xx
 * answer unread, for callers that relay it (`/v1/chat/completions` on an API key). Through `postUpstream`, as the
 * Codex adapter: on the relay path the AI SDK's parse and re-serialise of every chunk and fetch's web streams were
 * most of the gateway's own time (issue 7 profile). Failures get the same classes as the chat model's: HTTP errors
 * through `openAiHttpFailureToProviderError`, network failures through `toTransportError`; the caller's abort
 * passes through.
 */
export async function forwardOpenAiCompatibleChat(options: {
  baseUrl: string;
  apiKey: string;
  body: Record<string, unknown>;
  abortSignal?: AbortSignal | undefined;
  fetch?: FetchFunction | undefined;
  /** The connection pool to send through (without `fetch`): the gateway's outbound policy checks every address. */
  dispatcher?: Dispatcher | undefined;
}): Promise<ForwardedChat> {
  return forwardUpstreamJson({
    url: `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`,
    headers: { authorization: `Bearer ${options.apiKey}` },
    body: options.body,
    toProviderError: openAiHttpFailureToProviderError,
    abortSignal: options.abortSignal,
    fetch: options.fetch,
    dispatcher: options.dispatcher,
  });
}

/** Reads a relayed non-stream answer as JSON; an unparsable body is the upstream's protocol error. */
export async function readForwardedJson(forwarded: ForwardedChat): Promise<unknown> {
  let text: string;
  try {
    text = await forwarded.text();
  } catch (error) {
    throw toTransportError(error, forwarded.url);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // The body stays on the error's cause for logs; the user learns only what went wrong (issue 16).
    throw new UpstreamProtocolError({
      message: 'The upstream answered 200 with a body that is not JSON.',
      url: forwarded.url,
      cause: error,
    });
  }
}
