import { randomUUID } from 'node:crypto';
import type { SignInFlow } from '@pag/contracts';
import { buildCodexAuthorizationUrl, createPkcePair, generateState } from '@pag/oauth-client';
import { signInFlows } from '../../db/schema.ts';
import { hashToken } from '../security/secret-tokens.ts';
import { type ConnectionsContext, SIGN_IN_FLOW_LIFETIME_MS } from './connections-context.ts';
import { toSignInFlowDto } from './to-sign-in-flow-dto.ts';

/** The vault context of a flow's secret columns. */
export function flowContext(flowId: string, column: 'code_verifier' | 'device_auth_id'): string {
  return `sign_in_flows:${flowId}:${column}`;
}

/**
 * Starts a browser or paste sign-in for a gateway user: a fresh PKCE pair and state, stored server-side (the state
 * only as a hash, the verifier encrypted) for 10 minutes, and the authorize URL to open. `redirectUri` is the
 * loopback callback actually listened on (browser flows may fall back to port 1457).
 */
export async function startChatgptSignIn(
  context: ConnectionsContext,
  options: { userId: string; method: 'browser' | 'paste'; redirectUri: string },
): Promise<SignInFlow> {
  const id = randomUUID();
  const state = generateState();
  const { codeVerifier, codeChallenge } = await createPkcePair();
  const now = context.now();
  const [row] = await context.db
    .insert(signInFlows)
    .values({
      id,
      userId: options.userId,
      provider: 'chatgpt',
      method: options.method,
      status: 'pending',
      stateHash: hashToken(state),
      codeVerifierCiphertext: context.vault.encrypt(codeVerifier, { context: flowContext(id, 'code_verifier') }),
      redirectUri: options.redirectUri,
      createdAt: new Date(now),
      expiresAt: new Date(now + SIGN_IN_FLOW_LIFETIME_MS),
    })
    .returning();
  // An insert returns the row it wrote.
  if (row == null) throw new Error('the sign-in flow was not stored');
  const authorizeUrl = buildCodexAuthorizationUrl({
    baseUrl: context.chatgpt.authBaseUrl,
    redirectUri: options.redirectUri,
    state,
    codeChallenge,
  });
  return toSignInFlowDto(row, authorizeUrl.toString());
}
