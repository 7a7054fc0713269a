import type { Dispatcher } from 'undici';
import type { FetchFunction } from '../common/fetch-function.ts';
import { headersToRecord } from '../common/headers-to-record.ts';
import { postUpstream } from '../common/post-upstream.ts';
import { toTransportError } from '../common/to-transport-error.ts';
import { truncateResponseBody } from '../errors/truncate-response-body.ts';
import type { ForwardedChat } from '../openai/forward-openai-compatible-chat.ts';
import { anthropicHttpFailureToProviderError } from './anthropic-error.ts';
import { ANTHROPIC_VERSION } from './list-anthropic-models.ts';

/**
 * Sends an Anthropic Messages body as it is to `{baseUrl}/messages` and returns the 2xx answer unread (SSE when the
 * body streams, else JSON), for the gateway's same-protocol relay of `/v1/messages`. The client's
 * `anthropic-version` goes along (ours when it sent none), `anthropic-beta` only when it sent one. HTTP failures get
 * the chat model's classes (`anthropicHttpFailureToProviderError`), network failures `toTransportError`'s.
 * @see docs/anthropic-protocol.md §7 and "The Anthropic API as an upstream"
 */
export async function forwardAnthropicMessages(options: {
  baseUrl: string;
  apiKey: string;
  body: Record<string, unknown>;
  anthropicVersion?: string | undefined;
  anthropicBeta?: string | undefined;
  abortSignal?: AbortSignal | undefined;
  fetch?: FetchFunction | undefined;
  dispatcher?: Dispatcher | undefined;
}): Promise<ForwardedChat> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/messages`;
  let response: Awaited<ReturnType<typeof postUpstream>>;
  try {
    response = await postUpstream({
      url,
      headers: {
        'x-api-key': options.apiKey,
        'anthropic-version': options.anthropicVersion ?? ANTHROPIC_VERSION,
        ...(options.anthropicBeta == null ? {} : { 'anthropic-beta': options.anthropicBeta }),
        'content-type': 'application/json',
        accept: options.body.stream === true ? 'text/event-stream' : 'application/json',
      },
      body: JSON.stringify(options.body),
      abortSignal: options.abortSignal,
      fetch: options.fetch,
      dispatcher: options.dispatcher,
    });
  } catch (error) {
    throw toTransportError(error, url);
  }
  if (response.status >= 200 && response.status < 300) return { url, body: response.body, text: response.text };
  let responseBody: string | undefined;
  try {
    responseBody = truncateResponseBody(await response.text());
  } catch (error) {
    throw toTransportError(error, url);
  }
  throw anthropicHttpFailureToProviderError({
    url,
    statusCode: response.status,
    responseBody,
    responseHeaders: headersToRecord(response.headers),
    cause: undefined,
  });
}
