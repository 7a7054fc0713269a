import type { CallerPolicy } from '@pag/contracts';
import { GatewayError } from '../gateway-error.ts';
import type { AiGateway } from './ai-gateway.ts';
import { policyAllowsModel } from './policy-allows-model.ts';
import { splitProviderModel } from './resolve-route-plan.ts';

/**
 * Embeds texts with a provider that has embeddings: the named one, else the first set-up provider that has them
 * (in the registry's order). Without one the answer is a 409 that says what to connect. The caller's policy
 * applies as in the router: no subscription makes embeddings, so a "subscription only" caller is refused outright,
 * and the embedding model must match `allowedModels` when the policy lists any.
 */
export async function embedTexts(
  gateway: AiGateway,
  options: {
    userId: string;
    policy: CallerPolicy;
    model: string;
    values: string[];
    dimensions?: number | undefined;
    abortSignal: AbortSignal;
  },
): Promise<{ model: string; embeddings: number[][]; tokens: number | undefined }> {
  if (options.policy.subscriptionOnly) {
    throw new GatewayError(
      'subscription_only',
      'Embeddings need a paid API key (no subscription makes them), and this API key or app is "subscription ' +
        'only". Turn "Subscription only" off for it in the gateway\'s settings (API keys, or Connected apps).',
      { param: 'model' },
    );
  }
  const upstreams = gateway.loadUpstreams(options.userId);
  const explicit = splitProviderModel(options.model);
  const binding =
    explicit == null
      ? gateway.providers.all.find((candidate) => candidate.embeddings != null && upstreams.has(candidate.name))
      : gateway.binding(explicit.provider);
  const upstreamModel = explicit?.upstreamModel ?? options.model;
  if (binding?.embeddings == null || !upstreams.has(binding.name)) {
    const asked = binding != null && binding.embeddings == null ? ` The ${binding.label} has no embeddings.` : '';
    throw new GatewayError(
      'embeddings_unavailable',
      `No connection that makes embeddings is set up for "${options.model}".${asked} Add an OpenAI-compatible ` +
        'API key (OpenAI, Ollama, LM Studio…) or a Gemini API key under Settings → Connections → Provider keys.',
      { param: 'model' },
    );
  }
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
  return { model: `${binding.name}/${upstreamModel}`, embeddings: result.embeddings, tokens: result.usage?.tokens };
}
