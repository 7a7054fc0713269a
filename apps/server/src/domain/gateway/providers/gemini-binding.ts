import { createGeminiChatModel, createGeminiEmbeddingModel, type GeminiAuth, listGeminiModels } from '@pag/providers';
import type { ConnectionsContext } from '../../connections/connections-context.ts';
import { findConnectionRef } from '../../connections/list-connection-refs.ts';
import { readApiKey } from '../../credentials/list-api-credentials.ts';
import type { ApiCredentialRow } from '../../credentials/to-api-credential-dto.ts';
import type { GoogleTokenManager } from '../../google/google-token-manager.ts';
import type { ProviderBinding, UpstreamLog } from './provider-binding.ts';
import { toCatalogueEntries } from './to-catalogue-entries.ts';

/**
 * How the user reaches Gemini: a saved API key wins over a connected Google account (no refresh to go wrong, and
 * its own quota).
 */
export type GeminiUpstream =
  | { kind: 'api-key'; row: ApiCredentialRow }
  | { kind: 'oauth'; google: { id: string; state: 'connected' | 'reconnect_required' } };

/**
 * Gemini through its API: a saved key, or the bearer of a Google account connected with the user's own OAuth client
 * (fetched per request, so refreshes are picked up). Chat and embedding models, thoughts included when reasoning is
 * asked for, the key checked by listing models.
 */
export function createGeminiBinding(options: {
  context: ConnectionsContext;
  googleTokens: GoogleTokenManager;
  /** `GATEWAY_GEMINI_API_URL`: the host; requests go to its versioned base `/v1beta/…`. */
  apiUrl: string;
  fetch?: typeof fetch | undefined;
  log: UpstreamLog;
}): ProviderBinding<GeminiUpstream> {
  const { context, googleTokens, fetch, log } = options;
  const baseUrl = `${options.apiUrl.replace(/\/+$/, '')}/v1beta`;

  const auth = (userId: string, upstream: GeminiUpstream): GeminiAuth =>
    upstream.kind === 'api-key'
      ? { apiKey: readApiKey(context, upstream.row) }
      : { getAccessToken: (tokenOptions) => googleTokens.getAccessToken(userId, tokenOptions) };

  return {
    name: 'gemini',
    label: 'Gemini API',
    load: async (records) => {
      const row = (await records.apiCredentials()).find((candidate) => candidate.provider === 'gemini');
      if (row != null) return { kind: 'api-key', row };
      const google = await findConnectionRef(context, records.userId, 'google');
      return google == null ? null : { kind: 'oauth', google: { id: google.id, state: google.state } };
    },
    availability: (upstream) => ({ kind: upstream.kind }),
    catalogue(userId, upstream) {
      if (upstream.kind === 'api-key') {
        const { row } = upstream;
        return {
          key: `${userId}:gemini:${row.id}:${row.updatedAt.getTime()}`,
          load: async () => {
            const models = await listGeminiModels({ baseUrl, auth: { apiKey: readApiKey(context, row) }, fetch });
            return toCatalogueEntries(
              'gemini',
              models.filter((model) => model.supportsChat),
            );
          },
          fallback: (error) => {
            log.warn(
              { err: error, provider: 'gemini' },
              'could not list models; explicit provider/model ids still work',
            );
            return [];
          },
        };
      }
      if (upstream.google.state !== 'connected') return null;
      return {
        key: `${userId}:gemini-oauth:${upstream.google.id}`,
        load: async () => {
          const models = await listGeminiModels({
            baseUrl,
            auth: { getAccessToken: () => googleTokens.getAccessToken(userId) },
            fetch,
          });
          return toCatalogueEntries(
            'gemini',
            models.filter((model) => model.supportsChat),
          );
        },
        fallback: (error) => {
          log.warn({ err: error }, 'could not list Gemini models with the Google account');
          return [];
        },
      };
    },
    createChatModel: ({ userId, upstream, modelId }) =>
      createGeminiChatModel({ baseUrl, modelId, fetch, auth: auth(userId, upstream) }),
    reasoningOptions: () => ({ google: { thinkingConfig: { includeThoughts: true } } }),
    embeddings: {
      defaultModel: 'gemini-embedding-001',
      createModel: ({ userId, upstream, modelId }) =>
        createGeminiEmbeddingModel({ baseUrl, modelId, fetch, auth: auth(userId, upstream) }),
      dimensionsOptions: (dimensions) => ({ google: { outputDimensionality: dimensions } }),
    },
    validateKey: async (credential) => {
      await listGeminiModels({ baseUrl, auth: { apiKey: credential.apiKey }, fetch });
    },
  };
}
