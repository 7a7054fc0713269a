import type { CallerPolicy, ProviderName } from '@pag/contracts';
import { GatewayError } from '../gateway-error.ts';
import type { AiGateway } from './ai-gateway.ts';
import { policyAllowsModel } from './policy-allows-model.ts';
import { splitProviderModel } from './resolve-route-plan.ts';

/**
 * Embeds texts with a provider that has embeddings: the named one, else the first set-up provider that has them
 * (in the registry's order); `model` null means that provider's default embedding model. Without one the answer is
 * `embeddings_unavailable`, saying what to connect. Shared by `/v1/embeddings` and `POST /api/ai/embed`. The
 * caller's policy applies as in the router: no subscription makes embeddings, so a "subscription only" caller is
 * refused outright, and the embedding model must match `allowedModels` when the policy lists any.
 */
export async function embedTexts(
  gateway: AiGateway,
  options: {
    userId: string;
    policy: CallerPolicy;
    model: string | null;
    values: string[];
    dimensions?: number | undefined;
    abortSignal: AbortSignal;
  },
): Promise<{ model: string; provider: ProviderName; embeddings: number[][]; tokens: number | undefined }> {
  if (options.policy.subscriptionOnly) {
    throw new GatewayError(
      'subscription_only',
      'Embeddings need a paid API key (no subscription makes them), and this API key or app is "subscription ' +
        'only". Turn "Subscription only" off for it in the gateway\'s settings (API keys, or Connected apps).',
      { param: 'model' },
    );
  }
  const upstreams = await gateway.loadUpstreams(options.userId);
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
  if (!policyAllowsModel(options.policy, binding.name, upstreamModel)) {
    throw new GatewayError(
      'model_not_allowed',
      `This API key or app may not use "${binding.name}/${upstreamModel}": it may use only ` +
        `${(options.policy.allowedModels ?? []).join(', ')}. Change its allowed models in the gateway's settings.`,
      { param: 'model' },
    );
  }
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
