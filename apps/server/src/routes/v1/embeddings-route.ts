import { embedTexts } from '../../domain/gateway/embed-texts.ts';
import { embeddingsRequestSchema, encodeEmbeddingBase64 } from '../../domain/openai-compat/embeddings-request.ts';
import { embeddingTokens } from '../../domain/usage/read-usage-tokens.ts';
import { clientAbortSignal } from '../../plugins/client-abort-signal.ts';
import { callerPolicyOf } from '../caller-policy-of.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';
import { logV1Access, setOverheadHeader } from './log-v1-access.ts';
import type { V1App } from './v1-app.ts';

/** `POST /v1/embeddings`: through an OpenAI-compatible or Gemini connection; `float` or `base64` as asked. */
export function registerEmbeddingsRoute(app: V1App, services: RouteServices): void {
  app.post(
    '/embeddings',
    {
      bodyLimit: EMBEDDINGS_BODY_LIMIT_BYTES,
      schema: { body: embeddingsRequestSchema },
      config: { access: 'api-key', trackUsage: true },
    },
    async (request, reply) => {
      const body = request.body;
      const values = typeof body.input === 'string' ? [body.input] : body.input;
      // Embedding is one upstream call: all of it counts as upstream time, the rest is the gateway's.
      const embedStartedAt = performance.now();
      const auth = requireAuth(request);
      const result = await embedTexts(services.gateway, {
        userId: auth.user.id,
        policy: callerPolicyOf(auth),
        model: body.model,
        values,
        dimensions: body.dimensions,
        abortSignal: clientAbortSignal(reply),
      });
      const overheadMs = setOverheadHeader(reply, performance.now() - embedStartedAt);
      logV1Access(request, reply, { status: 200, model: result.model, promptTokens: result.tokens, overheadMs });
      reply.header('x-gateway-model', result.model);
      request.usage?.answeredBy(result);
      request.usage?.tokens(embeddingTokens(result.tokens));
      const isBase64 = body.encoding_format === 'base64';
      return {
        object: 'list',
        data: result.embeddings.map((embedding, index) => ({
          object: 'embedding',
          index,
          embedding: isBase64 ? encodeEmbeddingBase64(embedding) : embedding,
        })),
        model: result.model,
        usage: { prompt_tokens: result.tokens ?? 0, total_tokens: result.tokens ?? 0 },
      };
    },
  );
}

/** Embeddings of many long texts: 16 MiB bounds a request. */
const EMBEDDINGS_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
