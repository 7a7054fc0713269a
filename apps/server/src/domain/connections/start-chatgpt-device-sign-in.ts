import { randomUUID } from 'node:crypto';
import type { SignInFlow } from '@pag/contracts';
import { CODEX_DEVICE_CODE_LIFETIME_SECONDS, requestCodexDeviceCode } from '@pag/oauth-client';
import { signInFlows } from '../../db/schema.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { flowContext } from './start-chatgpt-sign-in.ts';
import { toSignInGatewayError } from './to-gateway-error.ts';
import { toSignInFlowDto } from './to-sign-in-flow-dto.ts';

/**
 * Starts a device-code sign-in: asks auth.openai.com for a user code and stores the flow (the device auth id
 * encrypted; with the user code it is enough to collect the tokens) for the upstream's 15 minutes.
 */
export async function startChatgptDeviceSignIn(
  context: ConnectionsContext,
  options: { userId: string; signal?: AbortSignal },
): Promise<SignInFlow> {
  let deviceCode: Awaited<ReturnType<typeof requestCodexDeviceCode>>;
  try {
    deviceCode = await requestCodexDeviceCode({
      baseUrl: context.chatgpt.authBaseUrl,
      identity: context.chatgpt.identity,
      fetch: context.chatgpt.fetch,
      signal: options.signal,
    });
  } catch (error) {
    throw toSignInGatewayError(error);
  }
  const id = randomUUID();
  const now = context.now();
  const [row] = await context.db
    .insert(signInFlows)
    .values({
      id,
      userId: options.userId,
      provider: 'chatgpt',
      method: 'device',
      status: 'pending',
      deviceAuthIdCiphertext: context.vault.encrypt(deviceCode.deviceAuthId, {
        context: flowContext(id, 'device_auth_id'),
      }),
      userCode: deviceCode.userCode,
      verificationUrl: deviceCode.verificationUrl,
      pollIntervalSeconds: deviceCode.intervalSeconds,
      createdAt: new Date(now),
      expiresAt: new Date(now + CODEX_DEVICE_CODE_LIFETIME_SECONDS * 1000),
    })
    .returning();
  // An insert returns the row it wrote.
  if (row == null) throw new Error('the sign-in flow was not stored');
  return toSignInFlowDto(row);
}
