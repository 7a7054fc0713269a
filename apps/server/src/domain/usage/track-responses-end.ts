import { readResponsesErrorCode, readResponsesTokens } from './read-usage-tokens.ts';
import type { UsageTracker } from './usage-tracker.ts';

/**
 * A Responses answer's terminal event (relayed from the Codex backend or our own translation) for the request's
 * ledger row: `response.completed` / `response.incomplete` carry the usage, `response.failed` and `error` the code.
 */
export function trackResponsesEnd(
  usage: UsageTracker | null,
  type: string,
  response: Record<string, unknown> | undefined,
): void {
  if (usage == null) return;
  usage.tokens(readResponsesTokens(response?.usage));
  if (type === 'response.failed' || type === 'error') usage.fail(readResponsesErrorCode(response));
}
