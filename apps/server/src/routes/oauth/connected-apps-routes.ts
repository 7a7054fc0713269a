import { connectedAppListSchema, revokedAppsSchema } from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayError } from '../../domain/gateway-error.ts';
import { listConnectedApps, revokeConnectedApps } from '../../domain/oauth-server/connected-apps.ts';
import { recordAuditEvent } from '../../domain/security/record-audit-event.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/** Settings → Connected apps: the MCP clients a user approved, and revoking them (one, or all). */
export async function connectedAppsRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { oauth } = services;

  app.get(
    '/api/connected-apps',
    { schema: { response: { 200: connectedAppListSchema } }, config: { access: 'session' } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { apps: listConnectedApps(oauth.store, requireAuth(request).user.id) };
    },
  );

  app.delete(
    '/api/connected-apps/:grantId',
    {
      schema: { params: z.object({ grantId: z.string().min(1).max(200) }), response: { 200: revokedAppsSchema } },
      config: { access: 'session' },
    },
    async (request) => {
      const userId = requireAuth(request).user.id;
      const revoked = revokeConnectedApps(oauth.store, userId, request.params.grantId);
      if (revoked === 0)
        throw new GatewayError('not_found', 'No connected app with that grant: it may be revoked already.');
      recordAuditEvent(services.context, {
        action: 'mcp_app.revoked',
        userId,
        detail: { grantId: request.params.grantId },
      });
      return { revoked };
    },
  );

  app.delete(
    '/api/connected-apps',
    { schema: { response: { 200: revokedAppsSchema } }, config: { access: 'session' } },
    async (request) => {
      const userId = requireAuth(request).user.id;
      const revoked = revokeConnectedApps(oauth.store, userId);
      recordAuditEvent(services.context, { action: 'mcp_app.revoked_all', userId, detail: { revoked } });
      return { revoked };
    },
  );
}
