import { callerPolicySchema, connectedAppListSchema, revokedAppsSchema } from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GatewayError } from '../../domain/gateway-error.ts';
import { getConnectedAppPolicy, saveConnectedAppPolicy } from '../../domain/oauth-server/connected-app-policy.ts';
import { listConnectedApps, revokeConnectedApps } from '../../domain/oauth-server/connected-apps.ts';
import { recordAuditEvent } from '../../domain/security/record-audit-event.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

const clientParamsSchema = z.object({ clientId: z.string().min(1).max(200) });

/**
 * Settings → Connected apps: the MCP clients and AI apps a user approved, revoking them (one, or all), and the policy
 * of an AI app (docs/app-connect.md §5).
 */
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
      await recordAuditEvent(services.context, {
        action: 'mcp_app.revoked',
        userId,
        detail: { grantId: request.params.grantId },
      });
      return { revoked };
    },
  );

  app.get(
    '/api/connected-apps/:clientId/policy',
    { schema: { params: clientParamsSchema, response: { 200: callerPolicySchema } }, config: { access: 'session' } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return getConnectedAppPolicy(oauth.store, {
        userId: requireAuth(request).user.id,
        clientId: request.params.clientId,
      });
    },
  );

  app.put(
    '/api/connected-apps/:clientId/policy',
    {
      schema: { params: clientParamsSchema, body: callerPolicySchema, response: { 200: callerPolicySchema } },
      config: { access: 'session' },
    },
    async (request) => {
      const userId = requireAuth(request).user.id;
      const policy = saveConnectedAppPolicy(oauth.store, {
        userId,
        clientId: request.params.clientId,
        policy: request.body,
      });
      await recordAuditEvent(services.context, {
        action: 'app_policy.updated',
        userId,
        detail: { clientId: request.params.clientId },
      });
      return policy;
    },
  );

  app.delete(
    '/api/connected-apps',
    { schema: { response: { 200: revokedAppsSchema } }, config: { access: 'session' } },
    async (request) => {
      const userId = requireAuth(request).user.id;
      const revoked = revokeConnectedApps(oauth.store, userId);
      await recordAuditEvent(services.context, { action: 'mcp_app.revoked_all', userId, detail: { revoked } });
      return { revoked };
    },
  );
}
