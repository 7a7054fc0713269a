import type { LoginThrottle } from '../domain/accounts/login-throttle.ts';
import type { SessionPolicy } from '../domain/accounts/session-policy.ts';
import type { SetupToken } from '../domain/accounts/setup-token.ts';
import type { DomainContext } from '../domain/domain-context.ts';
import type { SessionCookieSettings } from '../plugins/session-cookie.ts';

/** What route groups receive from `buildApp`: the domain context plus the app-lifetime objects. */
export type RouteServices = {
  context: DomainContext;
  sessionPolicy: SessionPolicy;
  cookie: SessionCookieSettings;
  setupToken: SetupToken;
  loginThrottle: LoginThrottle;
};
