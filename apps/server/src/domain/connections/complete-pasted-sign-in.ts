import { parseCodexCallbackInput } from '@pag/oauth-client';
import { GatewayError } from '../gateway-error.ts';
import { hashToken, safeEqual } from '../security/secret-tokens.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { findSignInFlow } from './find-sign-in-flow.ts';
import { redeemAuthorizationCode } from './redeem-authorization-code.ts';
import { flowContext } from './start-chatgpt-sign-in.ts';
import type { ConnectionRow } from './to-connection-dto.ts';
import { toSignInGatewayError } from './to-gateway-error.ts';

/**
 * Completes a paste sign-in with what the user copied from the browser's address bar (full URL, query string,
 * `code#state` or bare code). When the input carries a state it must match the flow's, in constant time; the
 * code is exchanged with the flow's own redirect URI and verifier. Malformed input is refused before the flow is
 * touched, so a typo does not burn it.
 */
export async function completePastedSignIn(
  context: ConnectionsContext,
  options: { userId: string; flowId: string; input: string },
): Promise<ConnectionRow> {
  const flow = await findSignInFlow(context, { userId: options.userId, flowId: options.flowId });
  if (flow.method !== 'paste' && flow.method !== 'browser') {
    throw new GatewayError('invalid_request', 'This sign-in uses a device code: nothing to paste.');
  }
  let parsed: ReturnType<typeof parseCodexCallbackInput>;
  try {
    parsed = parseCodexCallbackInput(options.input);
  } catch (error) {
    throw toSignInGatewayError(error);
  }
  if (parsed.state != null && (flow.stateHash == null || !safeEqual(hashToken(parsed.state), flow.stateHash))) {
    throw new GatewayError(
      'invalid_request',
      'That address belongs to a different sign-in (its state does not match): paste the address from the sign-in you just started.',
    );
  }
  if (flow.codeVerifierCiphertext == null || flow.redirectUri == null) {
    throw new GatewayError('invalid_request', 'This sign-in cannot take a pasted address.');
  }
  const codeVerifier = context.vault.decrypt(flow.codeVerifierCiphertext, {
    context: flowContext(flow.id, 'code_verifier'),
  });
  return redeemAuthorizationCode(context, { flow, code: parsed.code, codeVerifier, redirectUri: flow.redirectUri });
}
