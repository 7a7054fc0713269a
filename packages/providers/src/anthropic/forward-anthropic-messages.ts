import type { Dispatcher } from 'undici';
import type { FetchFunction } from '../common/fetch-function.ts';
import { type ForwardedChat, forwardUpstreamJson } from '../common/forward-upstream-json.ts';
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
  return forwardUpstreamJson({
    url: `${options.baseUrl.replace(/\/+$/, '')}/messages`,
    headers: {
      'x-api-key': options.apiKey,
      'anthropic-version': options.anthropicVersion ?? ANTHROPIC_VERSION,
      ...(options.anthropicBeta == null ? {} : { 'anthropic-beta': options.anthropicBeta }),
    },
    body: options.body,
    toProviderError: anthropicHttpFailureToProviderError,
    abortSignal: options.abortSignal,
    fetch: options.fetch,
    dispatcher: options.dispatcher,
  });
}
