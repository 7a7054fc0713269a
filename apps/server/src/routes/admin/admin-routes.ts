import {
  adminUserListSchema,
  createUserRequestSchema,
  operatorSettingsSchema,
  resetUserPasswordRequestSchema,
  updateOperatorSettingsRequestSchema,
  updateUserRoleRequestSchema,
  userSchema,
} from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createUser } from '../../domain/accounts/create-user.ts';
import { deleteUser } from '../../domain/accounts/delete-user.ts';
import { findUserById, type UserRow } from '../../domain/accounts/find-user.ts';
import { listUsers } from '../../domain/accounts/list-users.ts';
import { resetPassword } from '../../domain/accounts/reset-password.ts';
import { setUserRole } from '../../domain/accounts/set-user-role.ts';
import type { DomainContext } from '../../domain/domain-context.ts';
import { GatewayError } from '../../domain/gateway-error.ts';
import { readOperatorSettings, updateOperatorSettings } from '../../domain/operator/operator-settings.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

const userParams = z.object({ id: z.string().min(1).max(64) });
/** Creating a user or setting a password hashes with scrypt; bound how often an admin session can ask for it. */
const PASSWORD_WRITE_RATE_LIMIT = { max: 20, timeWindow: 60_000 };

/**
 * What only an admin may do (access mode `admin`: members get 403): manage the gateway's users as the CLI does
 * (the same domain functions), and the operator settings. Every change lands in the audit log with the admin's id.
 */
export async function adminRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const { context, connections, operatorDefaults } = services;

  app.get(
    '/api/admin/users',
    { schema: { response: { 200: adminUserListSchema } }, config: { access: 'admin' } },
    async () => ({ users: await listUsers(context) }),
  );

  app.post(
    '/api/admin/users',
    {
      schema: { body: createUserRequestSchema, response: { 201: userSchema } },
      config: { access: 'admin', rateLimit: PASSWORD_WRITE_RATE_LIMIT },
    },
    async (request, reply) => {
      const user = await createUser(context, { ...request.body, actorUserId: requireAuth(request).user.id });
      return reply.code(201).send(user);
    },
  );

  app.patch(
    '/api/admin/users/:id',
    {
      schema: { params: userParams, body: updateUserRoleRequestSchema, response: { 200: userSchema } },
      config: { access: 'admin' },
    },
    async (request) =>
      setUserRole(context, {
        userId: request.params.id,
        isAdmin: request.body.isAdmin,
        actorUserId: requireAuth(request).user.id,
      }),
  );

  app.put(
    '/api/admin/users/:id/password',
    {
      schema: { params: userParams, body: resetUserPasswordRequestSchema },
      config: { access: 'admin', rateLimit: PASSWORD_WRITE_RATE_LIMIT },
    },
    async (request, reply) => {
      const user = await findUserOrThrow(context, request.params.id);
      await resetPassword(context, {
        email: user.email,
        password: request.body.password,
        actorUserId: requireAuth(request).user.id,
      });
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/admin/users/:id',
    { schema: { params: userParams }, config: { access: 'admin' } },
    async (request, reply) => {
      const user = await findUserOrThrow(context, request.params.id);
      await deleteUser(connections, user.email, { actorUserId: requireAuth(request).user.id, keepLastAdmin: true });
      // The rows are gone; drop what this process still holds for the user (cached models, open MCP sessions).
      services.gateway.forgetUser(user.id);
      await services.mcpSessions.closeUser(user.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/admin/operator-settings',
    { schema: { response: { 200: operatorSettingsSchema } }, config: { access: 'admin' } },
    async () => readOperatorSettings(context, operatorDefaults),
  );

  app.patch(
    '/api/admin/operator-settings',
    {
      schema: { body: updateOperatorSettingsRequestSchema, response: { 200: operatorSettingsSchema } },
      config: { access: 'admin' },
    },
    async (request) => {
      const settings = await updateOperatorSettings(context, {
        defaults: operatorDefaults,
        changes: request.body,
        actorUserId: requireAuth(request).user.id,
      });
      // Connections kept alive under the old rule are not reused under the new one.
      services.outbound.reset();
      return settings;
    },
  );
}

async function findUserOrThrow(context: DomainContext, id: string): Promise<UserRow> {
  const user = await findUserById(context, id);
  if (user == null) throw new GatewayError('not_found', 'No such user: it may have been deleted.');
  return user;
}
