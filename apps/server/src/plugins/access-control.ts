import type { CallerPolicy, ReasoningOutput } from '@pag/contracts';
import { API_KEY_PREFIX, CSRF_HEADER } from '@pag/contracts';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { UserRow } from '../domain/accounts/find-user.ts';
import { resolveApiKey } from '../domain/accounts/resolve-api-key.ts';
import { resolveSession } from '../domain/accounts/resolve-session.ts';
import type { SessionPolicy } from '../domain/accounts/session-policy.ts';
import { assertCallerOrigin } from '../domain/cors/assert-caller-origin.ts';
import type { DomainContext } from '../domain/domain-context.ts';
import { GatewayError } from '../domain/gateway-error.ts';
import type { ResolvedAppToken } from '../domain/oauth-server/resolve-app-token.ts';
import { safeEqual } from '../domain/security/secret-tokens.ts';
import { crossOriginOf } from './cross-origin-of.ts';
import { readSessionCookie, type SessionCookieSettings } from './session-cookie.ts';

/**
 * How a route may be reached, declared next to it as `config: { access }`:
 * - `public`: anyone (health, sign-in, setup);
 * - `optional-session`: anyone, and `request.auth` is filled when a valid session cookie came along;
 * - `session`: the signed-in settings UI only (cookie; writes also need the CSRF header);
 * - `admin`: as `session`, and the signed-in user must be an admin (managing users, operator settings); members
 *   get 403. The role is read with the session on every request, so a demotion takes effect at once;
 * - `api-key`: programs only (`Authorization: Bearer gwk_…` or `x-api-key`), or a connected app's OAuth access
 *   token with scope `ai` (`Authorization: Bearer <token>`, docs/app-connect.md §3);
 * - `session-or-api-key`: either;
 * - `own-credentials`: the route checks credentials of its own kind and this hook stays out of the way — the OAuth
 *   server (client authentication, Basic or none) and the MCP endpoint (its OAuth access tokens).
 */
export type AccessMode =
  | 'public'
  | 'optional-session'
  | 'session'
  | 'admin'
  | 'api-key'
  | 'session-or-api-key'
  | 'own-credentials';

export type RequestAuth =
  | { method: 'session'; user: UserRow; sessionId: string; csrfToken: string }
  | {
      method: 'api-key';
      user: UserRow;
      keyId: string;
      keyPrefix: string;
      reasoningOutput: ReasoningOutput;
      /** What the key may use; the router and the origin check enforce it (docs/cors.md). */
      policy: CallerPolicy;
    }
  | {
      method: 'app';
      user: UserRow;
      clientId: string;
      clientName: string | null;
      grantId: string;
      policy: CallerPolicy;
    };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessMode;
  }
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}

export type AccessControlOptions = {
  context: DomainContext;
  sessionPolicy: SessionPolicy;
  cookie: SessionCookieSettings;
  /** Origins allowed to send cookie-authenticated writes (the public URL's); the request's own host is added. */
  publicOrigin: string;
  /** Checks a connected app's access token (scope `ai`); throws `unauthenticated` when it is not one. */
  resolveAppToken: (token: string) => Promise<ResolvedAppToken>;
  /** `GATEWAY_CORS_ORIGINS`: browser origins every credential may be used from. */
  corsOrigins: readonly string[];
};

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a program that sent no credentials needs to hear. */
const API_KEY_MISSING =
  'Send a gateway API key as "Authorization: Bearer gwk_…" (create one under Settings → API keys).';

/**
 * Authenticates every route by its declared access mode, before the body is read. A route that declares no
 * mode fails at startup: nothing is reachable by accident.
 */
export const accessControlPlugin = fp(
  async (app: FastifyInstance, options: AccessControlOptions) => {
    app.decorateRequest('auth', null);

    type PresentedKey = { value: string; isBearer: boolean };
    const readPresentedKey = (request: FastifyRequest): PresentedKey | null => {
      const header = request.headers.authorization;
      if (header != null) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (match?.[1] == null) {
          throw new GatewayError('unauthenticated', 'The Authorization header must be "Bearer <gateway API key>".');
        }
        return { value: match[1], isBearer: true };
      }
      const apiKeyHeader = request.headers['x-api-key'];
      return typeof apiKeyHeader === 'string' && apiKeyHeader !== '' ? { value: apiKeyHeader, isBearer: false } : null;
    };

    // A gateway API key is recognisable by its prefix; any other bearer value is taken for a connected app's OAuth
    // access token (opaque, from our authorization server). An app token in `x-api-key` is not one: OAuth bearer
    // tokens travel in Authorization (RFC 6750 §2.1).
    const authenticateKey = async (key: PresentedKey): Promise<RequestAuth> => {
      if (key.isBearer && !key.value.startsWith(API_KEY_PREFIX)) {
        return { method: 'app', ...(await options.resolveAppToken(key.value)) };
      }
      const resolved = await resolveApiKey(options.context, key.value);
      if (resolved == null) throw new GatewayError('unauthenticated', 'The API key is invalid or has been revoked.');
      return { method: 'api-key', ...resolved };
    };

    // A session cookie authenticates only the gateway's own pages: a request from another origin never uses it (it
    // is ignored, not refused), whatever the route, so no page elsewhere can act as the signed-in user (docs/cors.md).
    const authenticateSession = async (request: FastifyRequest): Promise<RequestAuth | null> => {
      if (crossOriginOf(request, options.publicOrigin) != null) return null;
      const sessionId = readSessionCookie(request, options.cookie);
      if (sessionId == null) return null;
      const session = await resolveSession(options.context, { sessionId, policy: options.sessionPolicy });
      if (session == null) return null;
      return { method: 'session', user: session.user, sessionId, csrfToken: session.csrfToken };
    };

    // Cookies ride along on cross-site requests, so cookie-authenticated writes must prove they came from our own
    // page: the synchronizer token from GET /api/auth/session, which another origin cannot read.
    const requireCsrfToken = (request: FastifyRequest, auth: RequestAuth) => {
      if (auth.method !== 'session' || !UNSAFE_METHODS.has(request.method)) return;
      const presented = request.headers[CSRF_HEADER];
      if (typeof presented !== 'string' || !safeEqual(presented, auth.csrfToken)) {
        throw new GatewayError(
          'csrf_failed',
          `Missing or wrong ${CSRF_HEADER} header: send the csrfToken from GET /api/auth/session.`,
        );
      }
    };

    // Defence in depth for writes a browser sends (sign-in included, which has no session yet): a cross-site
    // page's Origin never matches ours. Programs that send no Origin are unaffected.
    const requireSameOrigin = (request: FastifyRequest) => {
      if (!UNSAFE_METHODS.has(request.method)) return;
      const origin = request.headers.origin;
      if (origin == null) return;
      const ownOrigin = `${request.protocol}://${request.host}`;
      if (origin !== options.publicOrigin && origin !== ownOrigin) {
        throw new GatewayError('csrf_failed', `Cross-origin request from ${origin} refused.`);
      }
    };

    // A credential used from a browser page elsewhere must allow that page's origin itself (or the operator does).
    const requireAllowedOrigin = (request: FastifyRequest) => {
      const auth = request.auth;
      if (auth == null || !('policy' in auth)) return;
      const origin = crossOriginOf(request, options.publicOrigin);
      if (origin == null) return;
      assertCallerOrigin({ origin, policy: auth.policy, operatorOrigins: options.corsOrigins });
    };

    const hookFor = (access: AccessMode): onRequestHookHandler =>
      async function checkAccess(request) {
        if (access === 'own-credentials') return;
        await authenticate(request, access);
        requireAllowedOrigin(request);
      };

    const authenticate = async (request: FastifyRequest, access: Exclude<AccessMode, 'own-credentials'>) => {
      const presentedKey = readPresentedKey(request);
      if (presentedKey == null) requireSameOrigin(request);
      switch (access) {
        case 'public':
          return;
        case 'optional-session':
          request.auth = await authenticateSession(request);
          if (request.auth != null) requireCsrfToken(request, request.auth);
          return;
        case 'api-key':
        case 'session-or-api-key': {
          if (presentedKey != null) {
            request.auth = await authenticateKey(presentedKey);
            return;
          }
          if (access === 'api-key') {
            throw new GatewayError('unauthenticated', API_KEY_MISSING);
          }
          break;
        }
        case 'session':
        case 'admin':
          if (presentedKey != null) {
            throw new GatewayError(
              'forbidden',
              'API keys cannot use this endpoint, nor can connected apps: sign in to the settings UI.',
            );
          }
          break;
        default:
          access satisfies never;
      }
      const auth = await authenticateSession(request);
      if (auth == null) {
        // A program that sent nothing is told what to send (issue 17); a browser whose session ran out, to sign in.
        // A page elsewhere is a program too: its cookie does not count (above).
        const isProgram =
          readSessionCookie(request, options.cookie) == null || crossOriginOf(request, options.publicOrigin) != null;
        if (access === 'session-or-api-key' && isProgram) {
          throw new GatewayError('unauthenticated', API_KEY_MISSING);
        }
        throw new GatewayError('unauthenticated', 'Not signed in, or the session has expired: sign in again.');
      }
      requireCsrfToken(request, auth);
      if (access === 'admin' && !auth.user.isAdmin) {
        throw new GatewayError(
          'forbidden',
          'Only an admin of this gateway can do this: ask an admin to do it for you, or to make you an admin.',
        );
      }
      request.auth = auth;
    };

    app.addHook('onRoute', (route) => {
      const access = route.config?.access;
      if (access == null) {
        throw new Error(`${String(route.method)} ${route.url} must declare config.access (see access-control.ts)`);
      }
      const existing = route.onRequest == null ? [] : [route.onRequest].flat();
      route.onRequest = [hookFor(access), ...existing];
    });
  },
  { name: 'pag-access-control', fastify: '5.x', dependencies: ['@fastify/cookie'] },
);
