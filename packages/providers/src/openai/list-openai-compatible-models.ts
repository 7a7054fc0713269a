import type { FetchFunction } from '../common/fetch-function.ts';
import { headersToRecord } from '../common/headers-to-record.ts';
import { parseJsonOrUndefined } from '../common/map-sdk-error.ts';
import { toTransportError } from '../common/to-transport-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { openAiModelsResponseSchema } from './openai-api.ts';
import { openAiHttpFailureToProviderError } from './openai-error.ts';

export type OpenAiCompatibleModel = {
  id: string;
  /** The id: `/models` has no display name (kept so every model list has one). */
  displayName: string;
  ownedBy: string | undefined;
  created: Date | undefined;
};

/** `GET {baseUrl}/models`. */
export async function listOpenAiCompatibleModels(options: {
  baseUrl: string;
  apiKey: string;
  fetch?: FetchFunction;
  abortSignal?: AbortSignal;
}): Promise<OpenAiCompatibleModel[]> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/models`;
  let response: Response;
  let text: string;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
      signal: options.abortSignal ?? null,
    });
    text = await response.text();
  } catch (error) {
    throw toTransportError(error, url);
  }
  if (!response.ok) {
    throw openAiHttpFailureToProviderError({
      url,
      statusCode: response.status,
      responseBody: text,
      responseHeaders: headersToRecord(response.headers),
      cause: undefined,
    });
  }
  const parsed = openAiModelsResponseSchema.safeParse(parseJsonOrUndefined(text));
  if (!parsed.success) {
    throw new UpstreamProtocolError({ message: 'Unexpected model list shape.', url, cause: parsed.error });
  }
  return parsed.data.data.map((model) => ({
    id: model.id,
    displayName: model.id,
    ownedBy: model.owned_by ?? undefined,
    created: model.created != null ? new Date(model.created * 1000) : undefined,
  }));
}
