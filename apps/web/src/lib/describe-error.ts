import { isApiError } from '../api/api-error.ts';
import { describeWhen, formatWait } from './format-wait.ts';

/** What the settings pages show for a failure: one plain sentence, and the technical account for "Details". */
export type ErrorDescription = { message: string; details: string | null };

/**
 * The sentence a person reads for an error (issue 17): what happened and what to do, without hosts, error codes or
 * stacks; the gateway's own technical words go to `details`, which the page folds away. The gateway's plain
 * messages (a field to fix, a conflict) are shown as they are.
 */
export function describeError(error: unknown, now: number = Date.now()): ErrorDescription {
  if (!isApiError(error)) {
    return {
      message: 'Something went wrong on this page: reload it and try again.',
      details: error instanceof Error ? error.message : null,
    };
  }
  // The gateway split it already: a plain message and the upstream's own words.
  if (error.details != null) return { message: error.message, details: error.details };
  const technical = { details: error.message };
  const retry = error.retryAfter == null ? null : formatWait(error.retryAfter * 1000);
  switch (error.code) {
    case 'usage_limit_reached': {
      const when = error.resetsAt == null ? null : describeWhen(error.resetsAt, now);
      if (when != null) return { message: `Your ChatGPT usage limit is reached: it resets ${when}.`, ...technical };
      return {
        message: `The provider says your usage limit or quota is reached: ${retry == null ? 'check your plan, or try again later' : `try again in ${retry}`}.`,
        ...technical,
      };
    }
    case 'rate_limited':
      return {
        message: `Too many requests right now: ${retry == null ? 'wait a moment' : `wait ${retry}`} and try again.`,
        ...technical,
      };
    case 'upstream_unavailable':
      return {
        message:
          'The provider could not be reached: try again in a moment, and check the gateway’s internet connection if it keeps failing.',
        ...technical,
      };
    case 'upstream_timeout':
      return { message: 'The provider took too long to answer: try again in a moment.', ...technical };
    case 'upstream_error':
      return { message: 'The provider refused the request: the details say why.', ...technical };
    case 'invalid_upstream_key':
      return {
        message: 'The key did not work: check the key (and the base URL), then try again.',
        ...technical,
      };
    default:
      return { message: error.message, details: null };
  }
}
