import type { SignInFlow } from '@pag/contracts';
import type { signInFlows } from '../../db/schema.ts';

export type SignInFlowRow = typeof signInFlows.$inferSelect;

/** The API's view of a flow. `authorizeUrl` is passed in by the starter: it holds the state, which is not stored. */
export function toSignInFlowDto(row: SignInFlowRow, authorizeUrl: string | null = null): SignInFlow {
  return {
    id: row.id,
    method: row.method,
    status: row.status,
    authorizeUrl,
    redirectUri: row.method === 'browser' ? row.redirectUri : null,
    userCode: row.userCode,
    verificationUrl: row.verificationUrl,
    pollIntervalSeconds: row.pollIntervalSeconds,
    expiresAt: row.expiresAt.toISOString(),
    failureReason: row.failureReason,
  };
}
