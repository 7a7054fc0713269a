import type { FetchFunction } from '../common/fetch-function.ts';
import { headersToRecord } from '../common/headers-to-record.ts';
import { parseJsonOrUndefined } from '../common/map-sdk-error.ts';
import { toTransportError } from '../common/to-transport-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { geminiModelsResponseSchema } from './gemini-api.ts';
import { createGeminiFetch, type GeminiAuth } from './gemini-auth.ts';
import { geminiHttpFailureToProviderError } from './gemini-error.ts';

export type GeminiModel = {
  /** Bare id for the `models/{id}` path segment (`gemini-3.5-flash`). */
  id: string;
  displayName: string;
  inputTokenLimit: number | undefined;
  outputTokenLimit: number | undefined;
  supportedGenerationMethods: string[];
  /** Lists `generateContent` (chat models; the list also holds embedding and image models). */
  supportsChat: boolean;
  thinking: boolean | undefined;
};

/**
 * `GET {baseUrl}/models`, following `nextPageToken`.
 * @see docs/google-protocol.md §3.2
 */
export async function listGeminiModels(options: {
  baseUrl: string;
  auth: GeminiAuth;
  fetch?: FetchFunction;
  abortSignal?: AbortSignal;
}): Promise<GeminiModel[]> {
  const fetch = createGeminiFetch({ auth: options.auth, fetch: options.fetch });
  const base = `${options.baseUrl.replace(/\/+$/, '')}/models`;
  const models: GeminiModel[] = [];
  let pageToken: string | undefined;
  do {
    const url = `${base}?pageSize=1000${pageToken != null ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        headers: 'apiKey' in options.auth ? { 'x-goog-api-key': options.auth.apiKey } : {},
        signal: options.abortSignal ?? null,
      });
      text = await response.text();
    } catch (error) {
      throw toTransportError(error, base);
    }
    if (!response.ok) {
      throw geminiHttpFailureToProviderError({
        url: base,
        statusCode: response.status,
        responseBody: text,
        responseHeaders: headersToRecord(response.headers),
        cause: undefined,
      });
    }
    const parsed = geminiModelsResponseSchema.safeParse(parseJsonOrUndefined(text));
    if (!parsed.success) {
      throw new UpstreamProtocolError({
        message: 'Unexpected Gemini model list shape.',
        url: base,
        cause: parsed.error,
      });
    }
    for (const model of parsed.data.models ?? []) {
      const id = model.name.replace(/^models\//, '');
      const methods = model.supportedGenerationMethods ?? [];
      models.push({
        id,
        displayName: model.displayName ?? id,
        inputTokenLimit: model.inputTokenLimit ?? undefined,
        outputTokenLimit: model.outputTokenLimit ?? undefined,
        supportedGenerationMethods: methods,
        supportsChat: methods.includes('generateContent'),
        thinking: model.thinking ?? undefined,
      });
    }
    pageToken = parsed.data.nextPageToken ?? undefined;
  } while (pageToken != null && pageToken !== '');
  return models;
}
