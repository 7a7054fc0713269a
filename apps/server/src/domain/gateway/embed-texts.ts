import type { ProviderName } from '@pag/contracts';
import { GatewayError } from '../gateway-error.ts';
import type { AiGateway } from './ai-gateway.ts';
import { splitProviderModel } from './resolve-route-plan.ts';

/**
 * Embeds texts with a provider that has embeddings: the named one, else the first set-up provider that has them
 * (in the registry's order); `model` null means that provider's default embedding model. Without one the answer is
 * `embeddings_unavailable`, saying what to connect. Shared by `/v1/embeddings` and `POST /api/ai/embed`.
 */
export async function embedTexts(
  gateway: AiGateway,
  options: {
    userId: string;
    model: string | null;
    values: string[];
    dimensions?: number | undefined;
    abortSignal: AbortSignal;
  },
): Promise<{ model: string; provider: ProviderName; embeddings: number[][]; tokens: number | undefined }> {
  const upstreams = gateway.loadUpstreams(options.userId);
  const explicit = options.model == null ? null : splitProviderModel(options.model);
  const binding =
    explicit == null
      ? gateway.providers.all.find((candidate) => candidate.embeddings != null && upstreams.has(candidate.name))
      : gateway.binding(explicit.provider);
  if (binding?.embeddings == null || !upstreams.has(binding.name)) {
    const asked = binding != null && binding.embeddings == null ? ` The ${binding.label} has no embeddings.` : '';
    const model = options.model == null ? '' : ` for "${options.model}"`;
    throw new GatewayError(
      'embeddings_unavailable',
      `No connection that makes embeddings is set up${model}.${asked} Add an OpenAI-compatible ` +
        'API key (OpenAI, Ollama, LM Studio…) or a Gemini API key under Settings → Connections → Provider keys.',
      { param: 'model' },
    );
  }
  const upstreamModel = explicit?.upstreamModel ?? options.model ?? binding.embeddings.defaultModel;
  const model = binding.embeddings.createModel({
    userId: options.userId,
    upstream: upstreams.get(binding.name),
    modelId: upstreamModel,
  });
  const result = await model.doEmbed({
    values: options.values,
    abortSignal: options.abortSignal,
    ...(options.dimensions == null
      ? {}
      : { providerOptions: binding.embeddings.dimensionsOptions(options.dimensions) }),
  });
  return {
    model: `${binding.name}/${upstreamModel}`,
    provider: binding.name,
    embeddings: result.embeddings,
    tokens: result.usage?.tokens,
  };
}
