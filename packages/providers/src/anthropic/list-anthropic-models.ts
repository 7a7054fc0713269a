import { z } from 'zod';
import type { FetchFunction } from '../common/fetch-function.ts';
import { headersToRecord } from '../common/headers-to-record.ts';
import { parseJsonOrUndefined } from '../common/map-sdk-error.ts';
import { toTransportError } from '../common/to-transport-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { anthropicHttpFailureToProviderError } from './anthropic-error.ts';

/** The API version every call names; the one the public reference documents and the AI SDK sends. */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Pages asked for at once (the API allows 1 to 1000, default 20). */
const PAGE_LIMIT = 1000;
/** A bound on pages followed, so a server that always says `has_more` cannot keep us here. */
const MAX_PAGES = 20;

const modelsPageSchema = z.object({
  data: z.array(z.object({ id: z.string(), display_name: z.string().nullish(), type: z.string().optional() })),
  has_more: z.boolean(),
  last_id: z.string().nullish(),
});

export type AnthropicModel = { id: string; displayName: string };

/**
 * `GET {baseUrl}/models` with the key in `x-api-key`, following `has_more` / `last_id` (`after_id`). Also the key
 * check on save: a refused key answers 401 `authentication_error`.
 * @see docs/anthropic-protocol.md "The Anthropic API as an upstream"
 */
export async function listAnthropicModels(options: {
  baseUrl: string;
  apiKey: string;
  fetch?: FetchFunction | undefined;
  abortSignal?: AbortSignal;
}): Promise<AnthropicModel[]> {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/models`;
  const models: AnthropicModel[] = [];
  let afterId: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const url = `${base}?limit=${PAGE_LIMIT}${afterId == null ? '' : `&after_id=${encodeURIComponent(afterId)}`}`;
    let response: Response;
    let text: string;
    try {
      response = await (options.fetch ?? globalThis.fetch)(url, {
        headers: { 'x-api-key': options.apiKey, 'anthropic-version': ANTHROPIC_VERSION, accept: 'application/json' },
        signal: options.abortSignal ?? null,
      });
      text = await response.text();
    } catch (error) {
      throw toTransportError(error, base);
    }
    if (!response.ok) {
      throw anthropicHttpFailureToProviderError({
        url: base,
        statusCode: response.status,
        responseBody: text,
        responseHeaders: headersToRecord(response.headers),
        cause: undefined,
      });
    }
    const parsed = modelsPageSchema.safeParse(parseJsonOrUndefined(text));
    if (!parsed.success) {
      throw new UpstreamProtocolError({
        message: 'Unexpected Anthropic model list shape.',
        url: base,
        cause: parsed.error,
      });
    }
    for (const model of parsed.data.data) models.push({ id: model.id, displayName: model.display_name ?? model.id });
    if (!parsed.data.has_more || parsed.data.last_id == null) break;
    afterId = parsed.data.last_id;
  }
  return models;
}
