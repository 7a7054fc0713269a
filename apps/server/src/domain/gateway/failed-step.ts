import type { RouteStep } from './route-plan.ts';

/**
 * Which route step a request that failed before its first byte tried last, kept beside its error (a WeakMap: errors
 * are not changed), for the usage ledger's row of the failure (docs/usage-ledger.md §1: the provider and model
 * "that answered, or failed last").
 */
const failedSteps = new WeakMap<object, Pick<RouteStep, 'provider' | 'upstreamModel'>>();

/** Records `step` as the one `error` came from and returns the error, for `throw withFailedStep(…)`. */
export function withFailedStep(error: unknown, step: Pick<RouteStep, 'provider' | 'upstreamModel'>): unknown {
  if (typeof error === 'object' && error !== null) failedSteps.set(error, step);
  return error;
}

/** The step recorded for `error`, or null when it failed before any step was tried (planning, validation). */
export function failedStepOf(error: unknown): Pick<RouteStep, 'provider' | 'upstreamModel'> | null {
  return typeof error === 'object' && error !== null ? (failedSteps.get(error) ?? null) : null;
}
