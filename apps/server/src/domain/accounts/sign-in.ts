import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { authenticateUser } from './authenticate-user.ts';
import { type CreatedSession, createSession } from './create-session.ts';
import type { UserRow } from './find-user.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { SessionPolicy } from './session-policy.ts';

export type SignInOptions = {
  email: string;
  password: string;
  throttle: LoginThrottle;
  policy: SessionPolicy;
  previousSessionId: string | null;
  userAgent: string | null;
  ipAddress: string | null;
};

/**
 * Signs a user in: refuses while the account is throttled, checks the password, counts a failure against the
 * account, and on success starts a fresh session (rotating any session id the browser had).
 */
export async function signIn(
  context: DomainContext,
  options: SignInOptions,
): Promise<{ user: UserRow; session: CreatedSession }> {
  const retryAfterSeconds = await options.throttle.retryAfterSeconds(options.email);
  if (retryAfterSeconds != null) {
    throw new GatewayError(
      'rate_limited',
      `Too many failed sign-ins for this account: try again in ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
    );
  }
  let user: UserRow;
  try {
    user = await authenticateUser(context, { email: options.email, password: options.password });
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'invalid_credentials') {
      await options.throttle.recordFailure(options.email);
      await recordAuditEvent(context, {
        action: 'session.login_failed',
        userId: null,
        detail: { email: options.email, ipAddress: options.ipAddress },
      });
    }
    throw error;
  }
  await options.throttle.recordSuccess(options.email);
  const session = await createSession(context, {
    userId: user.id,
    policy: options.policy,
    previousSessionId: options.previousSessionId,
    userAgent: options.userAgent,
    ipAddress: options.ipAddress,
  });
  await recordAuditEvent(context, {
    action: 'session.login',
    userId: user.id,
    detail: { ipAddress: options.ipAddress },
  });
  return { user, session };
}
