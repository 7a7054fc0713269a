import type { ProviderName } from '@pag/contracts';
import type { LanguageModelV3StreamPart } from '@pag/providers';
import { describeUpstreamError } from '../describe-upstream-error.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';

/** The part of the metrics the runner feeds. */
export type ModelCallMetrics = Pick<GatewayMetrics, 'observeTokens' | 'observeUpstreamError'>;

/** `AiGateway`'s metrics option: told of failed upstream attempts and of each answer's tokens (docs/metrics.md). */
export type WithMetrics = { metrics?: ModelCallMetrics | undefined };

/** Counts an upstream attempt that failed before its first output (a fallback's too), by its error code. */
export function observeFailedStep(metrics: ModelCallMetrics | undefined, provider: ProviderName, error: unknown): void {
  metrics?.observeUpstreamError(provider, describeUpstreamError(error)?.code ?? 'internal_error');
}

/**
 * An observer of an answer's parts (`peekFirstOutput`) that counts the tokens of the `finish` part (exactly one per
 * stream, docs/architecture.md §3.5) once the answer is over; an error after the first output counts as an upstream
 * error. None without metrics. An observer, not a stage of its own around the parts: one hop less per part (issue
 * 22 profile).
 */
export function countStreamTokens(
  provider: ProviderName,
  metrics: ModelCallMetrics | undefined,
): ((part: LanguageModelV3StreamPart) => void) | undefined {
  if (metrics == null) return undefined;
  return (part) => {
    if (part.type === 'finish') {
      metrics.observeTokens(provider, {
        inputTokens: part.usage.inputTokens.total,
        cachedInputTokens: part.usage.inputTokens.cacheRead,
        outputTokens: part.usage.outputTokens.total,
        reasoningTokens: part.usage.outputTokens.reasoning,
      });
    } else if (part.type === 'error') {
      metrics.observeUpstreamError(provider, describeUpstreamError(part.error)?.code ?? 'upstream_error');
    }
  };
}
