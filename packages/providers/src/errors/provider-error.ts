import type { InvalidRequestError } from './invalid-request-error.ts';
import { ProviderErrorBase } from './provider-error-base.ts';
import type { QuotaExceededError } from './quota-exceeded-error.ts';
import type { ReconnectRequiredError } from './reconnect-required-error.ts';
import type { UpstreamApiError } from './upstream-api-error.ts';
import type { UpstreamConnectionError } from './upstream-connection-error.ts';
import type { UpstreamProtocolError } from './upstream-protocol-error.ts';
import type { UpstreamTimeoutError } from './upstream-timeout-error.ts';
import type { UsageLimitError } from './usage-limit-error.ts';

/** Every concrete provider error; `switch (error.code)` narrows it to one class. */
export type AnyProviderError =
  | UpstreamApiError
  | UsageLimitError
  | QuotaExceededError
  | ReconnectRequiredError
  | InvalidRequestError
  | UpstreamConnectionError
  | UpstreamTimeoutError
  | UpstreamProtocolError;

/**
 * The base of every error the adapters produce, typed so that `error instanceof ProviderError` narrows `error` to
 * `AnyProviderError`: a `switch (error.code)` then reaches each class's own fields (`resetsAt`, `statusCode`, …).
 * (`instanceof` plus `code` is enough in a private monorepo; there is no `Symbol.for` marker check.)
 */
export const ProviderError = ProviderErrorBase as unknown as (abstract new (
  ...args: never[]
) => AnyProviderError) & { readonly prototype: AnyProviderError };
export type ProviderError = AnyProviderError;
