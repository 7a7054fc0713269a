import type { Connection, RateLimitSnapshotDto } from '@pag/contracts';
import type { connections } from '../../db/schema.ts';

export type ConnectionRow = typeof connections.$inferSelect;

const STATE_MESSAGES: Readonly<Record<string, string>> = {
  refresh_token_reused:
    'The saved sign-in was already used by another program (for example the Codex CLI signed in with the same ' +
    'session). Sign in again here; do not share one sign-in between programs.',
  refresh_interrupted:
    'The gateway was stopped (a crash or a restart) in the middle of refreshing the ChatGPT sign-in, after ' +
    'auth.openai.com had already replaced the saved refresh token, so the sign-in can no longer be refreshed. ' +
    'Sign in again here; no other program used it.',
  refresh_token_expired: 'The ChatGPT sign-in has expired. Sign in again.',
  refresh_token_invalidated:
    'The ChatGPT sign-in was revoked (signed out elsewhere or password changed). Sign in again.',
  unauthorized: 'auth.openai.com no longer accepts this sign-in. Sign in again.',
};

/** Shows only the last 4 characters of an account id: enough to tell accounts apart, useless to anyone else. */
export function maskAccountId(accountId: string): string {
  return accountId.length <= 4 ? '••••' : `••••${accountId.slice(-4)}`;
}

export function describeReconnectReason(reason: string | null): string | null {
  if (reason == null) return null;
  return STATE_MESSAGES[reason] ?? 'The ChatGPT sign-in can no longer be refreshed. Sign in again.';
}

/** The API's view of a connection: never a token. */
export function toConnectionDto(row: ConnectionRow): Connection {
  return {
    id: row.id,
    provider: row.provider,
    method: row.method,
    email: row.email,
    planType: row.planType,
    accountIdMasked: maskAccountId(row.accountId),
    state: row.state,
    stateReason: row.stateReason,
    stateMessage: row.state === 'reconnect_required' ? describeReconnectReason(row.stateReason) : null,
    connectedAt: row.connectedAt.toISOString(),
    accessTokenExpiresAt: row.accessTokenExpiresAt?.toISOString() ?? null,
    lastRefreshAt: row.lastRefreshAt?.toISOString() ?? null,
    rateLimits: toRateLimitSnapshotDto(row),
  };
}

/**
 * The stored snapshot (the providers' `RateLimitSnapshot`, JSON in the row: dates became ISO strings) in the API's
 * shape. Read defensively: it is whatever the backend's headers said.
 */
function toRateLimitSnapshotDto(row: ConnectionRow): RateLimitSnapshotDto | null {
  const snapshot = row.rateLimits;
  if (snapshot == null || row.rateLimitsAt == null) return null;
  const window = (value: unknown) => {
    if (value == null || typeof value !== 'object') return null;
    const { usedPercent, windowMinutes, resetsAt } = value as Record<string, unknown>;
    return {
      usedPercent: typeof usedPercent === 'number' ? usedPercent : null,
      windowMinutes: typeof windowMinutes === 'number' ? windowMinutes : null,
      resetsAt: typeof resetsAt === 'string' ? resetsAt : null,
    };
  };
  return {
    primary: window(snapshot.primary),
    secondary: window(snapshot.secondary),
    planType: typeof snapshot.planType === 'string' ? snapshot.planType : null,
    observedAt: row.rateLimitsAt.toISOString(),
  };
}
