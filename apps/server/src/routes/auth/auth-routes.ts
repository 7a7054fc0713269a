import { loginRequestSchema, sessionStateSchema, setupRequestSchema, setupResponseSchema } from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createSession } from '../../domain/accounts/create-session.ts';
import { createUser } from '../../domain/accounts/create-user.ts';
import { deleteSession } from '../../domain/accounts/delete-session.ts';
import { isSetupRequired } from '../../domain/accounts/list-users.ts';
import { signIn } from '../../domain/accounts/sign-in.ts';
import { toUserDto } from '../../domain/accounts/to-user-dto.ts';
import { GatewayError } from '../../domain/gateway-error.ts';
import { recordAuditEvent } from '../../domain/security/record-audit-event.ts';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '../../plugins/session-cookie.ts';
import type { RouteServices } from '../route-services.ts';

/** Per client address; the per-account limit lives in LoginThrottle. */
const SIGN_IN_RATE_LIMIT = { max: 5, timeWindow: 60_000 };

/** First-run setup (which signs the new admin in), sign-in, sign-out and the session state the UI starts from. */
export async function authRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { context } = services;

  app.get(
    '/api/auth/session',
    { schema: { response: { 200: sessionStateSchema } }, config: { access: 'optional-session' } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const auth = request.auth?.method === 'session' ? request.auth : null;
      return {
        setupRequired: await isSetupRequired(context),
        user: auth == null ? null : toUserDto(auth.user),
        csrfToken: auth?.csrfToken ?? null,
      };
    },
  );

  app.post(
    '/api/auth/setup',
    {
      schema: { body: setupRequestSchema, response: { 201: setupResponseSchema } },
      config: { access: 'public', rateLimit: SIGN_IN_RATE_LIMIT },
    },
    async (request, reply) => {
      if (!(await isSetupRequired(context))) {
        throw new GatewayError('setup_unavailable', 'Setup is already complete: sign in instead.');
      }
      if (!services.setupToken.verify(request.body.token)) {
        throw new GatewayError(
          'forbidden',
          'The setup token is wrong or already used: open the setup link from the server log (a restart prints a new one).',
        );
      }
      const user = await createUser(context, {
        email: request.body.email,
        password: request.body.password,
        isAdmin: true,
        onlyIfFirst: true,
      });
      services.setupToken.revoke();
      // The new admin is signed in at once: typing the same credentials again right after choosing them is a
      // wrong turn in the first minute (issue 17).
      const session = await createSession(context, {
        userId: user.id,
        policy: services.sessionPolicy,
        previousSessionId: readSessionCookie(request, services.cookie),
        userAgent: request.headers['user-agent'] ?? null,
        ipAddress: request.ip,
      });
      await recordAuditEvent(context, { action: 'session.login', userId: user.id, detail: { ipAddress: request.ip } });
      setSessionCookie(reply, {
        settings: services.cookie,
        sessionId: session.sessionId,
        expiresAt: session.expiresAt,
      });
      return reply.code(201).header('cache-control', 'no-store').send({ user, csrfToken: session.csrfToken });
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: { body: loginRequestSchema, response: { 200: sessionStateSchema } },
      config: { access: 'public', rateLimit: SIGN_IN_RATE_LIMIT },
    },
    async (request, reply) => {
      const { user, session } = await signIn(context, {
        email: request.body.email,
        password: request.body.password,
        throttle: services.loginThrottle,
        policy: services.sessionPolicy,
        previousSessionId: readSessionCookie(request, services.cookie),
        userAgent: request.headers['user-agent'] ?? null,
        ipAddress: request.ip,
      });
      setSessionCookie(reply, {
        settings: services.cookie,
        sessionId: session.sessionId,
        expiresAt: session.expiresAt,
      });
      reply.header('cache-control', 'no-store');
      return { setupRequired: false, user: toUserDto(user), csrfToken: session.csrfToken };
    },
  );

  app.post('/api/auth/logout', { config: { access: 'session' } }, async (request, reply) => {
    const auth = request.auth;
    if (auth?.method === 'session') {
      await deleteSession(context, auth.sessionId);
      await recordAuditEvent(context, { action: 'session.logout', userId: auth.user.id });
    }
    clearSessionCookie(reply, services.cookie);
    return reply.code(204).send();
  });
}
