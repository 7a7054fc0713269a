import { type CallerPolicy, UNRESTRICTED_POLICY } from '@pag/contracts';
import type { RequestAuth } from '../plugins/access-control.ts';

/**
 * The policy the gateway enforces for a request's caller: an API key's or a connected app's own; a signed-in
 * session (the settings UI, the user acting in person) is unrestricted.
 */
export function callerPolicyOf(auth: RequestAuth): CallerPolicy {
  return 'policy' in auth ? auth.policy : UNRESTRICTED_POLICY;
}
