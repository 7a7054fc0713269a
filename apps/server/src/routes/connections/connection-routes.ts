import {
  completeSignInRequestSchema,
  connectionListSchema,
  connectionSchema,
  signInFlowSchema,
  signInOptionsSchema,
  startSignInRequestSchema,
} from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listConnections } from '../../domain/connection-list/list-connections.ts';
import { cancelSignInFlow } from '../../domain/connections/cancel-sign-in-flow.ts';
import { checkAuthServerReachable } from '../../domain/connections/check-auth-server-reachable.ts';
import { completePastedSignIn } from '../../domain/connections/complete-pasted-sign-in.ts';
import { describeSignInOptions } from '../../domain/connections/describe-sign-in-options.ts';
import { disconnectChatgpt } from '../../domain/connections/disconnect-chatgpt.ts';
import { findSignInFlow } from '../../domain/connections/find-sign-in-flow.ts';
import { startChatgptDeviceSignIn } from '../../domain/connections/start-chatgpt-device-sign-in.ts';
import { startChatgptSignIn } from '../../domain/connections/start-chatgpt-sign-in.ts';
import { toConnectionDto } from '../../domain/connections/to-connection-dto.ts';
import { toSignInFlowDto } from '../../domain/connections/to-sign-in-flow-dto.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/** Sign-in starts are cheap to ask for and each one calls auth.openai.com or opens a port: bound them. */
const SIGN_IN_RATE_LIMIT = { max: 20, timeWindow: 60_000 };
const flowParams = z.object({ flowId: z.uuid({ message: 'must be a sign-in id' }) });

/**
 * Connecting the ChatGPT subscription: start a browser, paste or device sign-in, follow it, complete a paste,
 * cancel, disconnect; and the list of every connected account (ChatGPT and the Google account, whose own routes are
 * in google-connection-routes.ts). All session-only (cookie + CSRF on writes), all bound to the signed-in user.
 */
export async function connectionRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const context = services.connections;

  app.get(
    '/api/connections',
    { schema: { response: { 200: connectionListSchema } }, config: { access: 'session' } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { connections: await listConnections(context, requireAuth(request).user.id) };
    },
  );

  // Which sign-in fits where the gateway runs (issue 17: in Docker, browser sign-in cannot come back).
  app.get(
    '/api/connections/chatgpt/sign-in-options',
    { schema: { response: { 200: signInOptionsSchema } }, config: { access: 'session' } },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return describeSignInOptions(services.signInEnvironment, await services.loopbackCallback.canReceiveRedirect());
    },
  );

  app.post(
    '/api/connections/chatgpt/sign-in',
    {
      schema: { body: startSignInRequestSchema, response: { 201: signInFlowSchema } },
      config: { access: 'session', rateLimit: SIGN_IN_RATE_LIMIT },
    },
    async (request, reply) => {
      const userId = requireAuth(request).user.id;
      const { method } = request.body;
      if (method === 'device') {
        const flow = await startChatgptDeviceSignIn(context, { userId });
        services.devicePoller.start(flow.id, flow.pollIntervalSeconds ?? 5);
        return reply.code(201).header('cache-control', 'no-store').send(flow);
      }
      // The code is exchanged at auth.openai.com at the end: say now, not after the user signed in, if it is out of reach.
      await checkAuthServerReachable(context);
      const redirectUri =
        method === 'browser' ? await services.loopbackCallback.ensureListening() : context.chatgpt.redirectUri;
      const flow = await startChatgptSignIn(context, { userId, method, redirectUri });
      if (method === 'browser') services.loopbackCallback.scheduleIdleCheck(11 * 60_000);
      return reply.code(201).header('cache-control', 'no-store').send(flow);
    },
  );

  app.get(
    '/api/connections/chatgpt/sign-in/:flowId',
    { schema: { params: flowParams, response: { 200: signInFlowSchema } }, config: { access: 'session' } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return toSignInFlowDto(
        await findSignInFlow(context, { userId: requireAuth(request).user.id, flowId: request.params.flowId }),
      );
    },
  );

  app.post(
    '/api/connections/chatgpt/sign-in/:flowId/complete',
    {
      schema: { params: flowParams, body: completeSignInRequestSchema, response: { 200: connectionSchema } },
      config: { access: 'session', rateLimit: SIGN_IN_RATE_LIMIT },
    },
    async (request) => {
      const connection = await completePastedSignIn(context, {
        userId: requireAuth(request).user.id,
        flowId: request.params.flowId,
        input: request.body.input,
      });
      return toConnectionDto(connection);
    },
  );

  app.post(
    '/api/connections/chatgpt/sign-in/:flowId/cancel',
    { schema: { params: flowParams }, config: { access: 'session' } },
    async (request, reply) => {
      await cancelSignInFlow(context, { userId: requireAuth(request).user.id, flowId: request.params.flowId });
      services.devicePoller.stop(request.params.flowId);
      return reply.code(204).send();
    },
  );

  app.delete('/api/connections/chatgpt', { config: { access: 'session' } }, async (request, reply) => {
    await disconnectChatgpt(context, { userId: requireAuth(request).user.id });
    return reply.code(204).send();
  });
}
