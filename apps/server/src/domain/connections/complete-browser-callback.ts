import { and, eq } from 'drizzle-orm';
import { signInFlows } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import { hashToken } from '../security/secret-tokens.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { finishFlow, redeemAuthorizationCode } from './redeem-authorization-code.ts';
import { flowContext } from './start-chatgpt-sign-in.ts';
import type { ConnectionRow } from './to-connection-dto.ts';

/**
 * Handles the redirect that reaches the loopback listener: `?code&state` or `?error&error_description&state`. The
 * browser carries no gateway session there; the unguessable single-use `state` is what ties the redirect to the
 * flow, and so to the gateway user who started it.
 */
export async function completeBrowserCallback(
  context: ConnectionsContext,
  parameters: URLSearchParams,
): Promise<ConnectionRow> {
  const state = parameters.get('state');
  if (state == null || state === '') throw new GatewayError('invalid_request', 'The sign-in redirect has no state.');
  const [flow] = await context.db
    .select()
    .from(signInFlows)
    .where(
      and(
        eq(signInFlows.stateHash, hashToken(state)),
        eq(signInFlows.provider, 'chatgpt'),
        eq(signInFlows.method, 'browser'),
      ),
    )
    .limit(1);
  if (flow == null) {
    throw new GatewayError(
      'invalid_request',
      'This sign-in redirect does not match any sign-in in progress (state mismatch).',
    );
  }
  const error = parameters.get('error');
  if (error != null) {
    const description = parameters.get('error_description') ?? error;
    const message = description.includes('missing_codex_entitlement')
      ? 'Codex is not enabled for this ChatGPT workspace: ask its admin, or use a personal account.'
      : `ChatGPT did not complete the sign-in: ${description}.`;
    if (flow.status === 'pending') await finishFlow(context, flow.id, { status: 'failed', failureReason: message });
    throw new GatewayError('sign_in_failed', message);
  }
  const code = parameters.get('code');
  if (code == null || !/^[A-Za-z0-9._~-]{8,2048}$/.test(code)) {
    throw new GatewayError('invalid_request', 'The sign-in redirect has no valid code.');
  }
  if (flow.codeVerifierCiphertext == null || flow.redirectUri == null) {
    throw new GatewayError('invalid_request', 'This sign-in cannot take a browser redirect.');
  }
  const codeVerifier = context.vault.decrypt(flow.codeVerifierCiphertext, {
    context: flowContext(flow.id, 'code_verifier'),
  });
  return redeemAuthorizationCode(context, { flow, code, codeVerifier, redirectUri: flow.redirectUri });
}
