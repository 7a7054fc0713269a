import {
  authorizationDecisionRequestSchema,
  authorizationDecisionResponseSchema,
  authorizationRequestViewSchema,
} from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  decideAuthorizationRequest,
  describeAuthorizationRequest,
} from '../../domain/oauth-server/authorization-interaction.ts';
import { createSettingsPageSender } from '../../plugins/web-ui.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

const uidParamsSchema = z.object({ uid: z.string().regex(/^[\w-]{10,64}$/, { message: 'is not an interaction id' }) });

/** The consent page never lands in a cache or a history entry that another user of the machine could replay. */
const NO_STORE = 'no-store';

/**
 * The consent step of MCP authorization. The page itself is the settings UI (its own look, its own sign-in); its
 * two API calls live under the page's path because oidc-provider scopes the interaction cookie to it. Both need
 * the gateway session, and the decision also the CSRF header (a cookie-authenticated write).
 */
export async function consentRoutes(parent: FastifyInstance, services: RouteServices & { webDir: string }) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { oauth } = services;
  const settingsPage = createSettingsPageSender(services.webDir);

  app.get(
    '/oauth/interaction/:uid',
    { schema: { params: uidParamsSchema }, config: { access: 'public' } },
    async (_request, reply) => settingsPage.send(reply, NO_STORE),
  );

  app.get(
    '/oauth/interaction/:uid/details',
    {
      schema: { params: uidParamsSchema, response: { 200: authorizationRequestViewSchema } },
      config: { access: 'session' },
    },
    async (request, reply) => {
      reply.header('cache-control', NO_STORE);
      return describeAuthorizationRequest(
        await oauth.loadProvider(),
        { req: request.raw, res: reply.raw },
        {
          uid: request.params.uid,
          userId: requireAuth(request).user.id,
          resources: { mcp: oauth.resource, ai: oauth.aiResource },
          store: oauth.store,
        },
      );
    },
  );

  app.post(
    '/oauth/interaction/:uid/decision',
    {
      schema: {
        params: uidParamsSchema,
        body: authorizationDecisionRequestSchema,
        response: { 200: authorizationDecisionResponseSchema },
      },
      config: { access: 'session', rateLimit: { max: 30, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      reply.header('cache-control', NO_STORE);
      const userId = requireAuth(request).user.id;
      const decision = await decideAuthorizationRequest(
        await oauth.loadProvider(),
        { req: request.raw, res: reply.raw },
        {
          uid: request.params.uid,
          userId,
          approve: request.body.approve,
          resources: { mcp: oauth.resource, ai: oauth.aiResource },
          store: oauth.store,
        },
      );
      request.log.info(
        {
          event: 'oauth.consent',
          userId,
          uid: request.params.uid,
          result: request.body.approve ? 'approved' : 'denied',
        },
        'MCP authorization request decided',
      );
      return decision;
    },
  );
}
