import { sendJson } from '../send-json.ts';
import { createDeterministicEmbedding } from './create-deterministic-embedding.ts';
import type { FakeOpenAiApiContext } from './fake-openai-api-context.ts';
import { onOpenAiRoute, readOpenAiJsonBody } from './on-openai-route.ts';
import { buildOpenAiResponseHeaders } from './openai-response-headers.ts';
import { estimateTokens } from './split-into-deltas.ts';
import { validateEmbeddingsRequest } from './validate-embeddings-request.ts';

/** `POST /v1/embeddings`: deterministic unit vectors, `dimensions` and base64 encoding honoured. */
export function registerEmbeddingsRoute(context: FakeOpenAiApiContext): void {
  onOpenAiRoute({
    context,
    method: 'POST',
    path: '/v1/embeddings',
    handler: (request, reply) => {
      const parsed = validateEmbeddingsRequest({
        body: readOpenAiJsonBody(request),
        models: context.models,
        shouldRejectUnknownParameters: context.shouldRejectUnknownParameters,
      });
      const data = parsed.inputs.map((text, index) => {
        const vector = createDeterministicEmbedding({
          modelId: parsed.model.id,
          text,
          nativeDimensions: parsed.model.dimensions ?? 1536,
          ...(parsed.dimensions == null ? {} : { dimensions: parsed.dimensions }),
        });
        const embedding =
          parsed.encodingFormat === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      });
      const promptTokens = parsed.inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
      sendJson({
        reply,
        body: {
          object: 'list',
          data,
          model: parsed.model.id,
          usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
        },
        headers: buildOpenAiResponseHeaders(),
      });
    },
  });
}
