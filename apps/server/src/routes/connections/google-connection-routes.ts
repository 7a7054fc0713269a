import { googleSignInSchema, googleStatusSchema, saveGoogleClientRequestSchema } from '@pag/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { completeGoogleSignIn } from '../../domain/google/complete-google-sign-in.ts';
import { disconnectGoogle } from '../../domain/google/disconnect-google.ts';
import { deleteGoogleClient, saveGoogleClient } from '../../domain/google/save-google-client.ts';
import { startGoogleSignIn } from '../../domain/google/start-google-sign-in.ts';
import { toGoogleStatus } from '../../domain/google/to-google-status.ts';
import { classifyError } from '../../plugins/error-handler.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';

/** Sign-in starts and callbacks touch Google and the database: bound them like the ChatGPT ones. */
const GOOGLE_RATE_LIMIT = { max: 20, timeWindow: 60_000 };
/** Where the browser lands after Google, with the outcome in the query for the settings page to show. */
const SETTINGS_PATH = '/settings/connections';

const callbackQuery = z.object({
  state: z.string().max(500).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  scope: z.string().max(2000).optional(),
});

/**
 * Gemini through a Google account, with the user's OWN Google OAuth client (Google forbids borrowing another
 * app's client and refuses consumer accounts on the Code Assist path — docs/google-protocol.md §0): save the client,
 * start the authorization-code + PKCE sign-in, receive the browser at the callback, disconnect.
 */
export async function googleConnectionRoutes(parent: FastifyInstance, services: RouteServices) {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const context = services.connections;
  const status = (userId: string) => toGoogleStatus(context, { userId, tokens: services.googleTokens });

  app.get(
    '/api/connections/google',
    { schema: { response: { 200: googleStatusSchema } }, config: { access: 'session' } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return status(requireAuth(request).user.id);
    },
  );

  app.put(
    '/api/connections/google/client',
    {
      schema: { body: saveGoogleClientRequestSchema, response: { 200: googleStatusSchema } },
      config: { access: 'session', rateLimit: GOOGLE_RATE_LIMIT },
    },
    async (request) => {
      const userId = requireAuth(request).user.id;
      await saveGoogleClient(context, { userId, ...request.body, log: request.log });
      services.gateway.forgetUser(userId);
      return status(userId);
    },
  );

  app.delete('/api/connections/google/client', { config: { access: 'session' } }, async (request, reply) => {
    const userId = requireAuth(request).user.id;
    await deleteGoogleClient(context, { userId, log: request.log });
    services.gateway.forgetUser(userId);
    return reply.code(204).send();
  });

  app.post(
    '/api/connections/google/sign-in',
    {
      schema: { response: { 201: googleSignInSchema } },
      config: { access: 'session', rateLimit: GOOGLE_RATE_LIMIT },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const signIn = await startGoogleSignIn(context, { userId: auth.user.id, loginHint: auth.user.email });
      return reply.code(201).header('cache-control', 'no-store').send(signIn);
    },
  );

  // The browser comes back here from Google (a top-level GET, so the SameSite=Lax session cookie comes along).
  // Every outcome is a redirect to the settings page; nothing here answers JSON to a person.
  app.get(
    '/api/connections/google/callback',
    { schema: { querystring: callbackQuery }, config: { access: 'optional-session', rateLimit: GOOGLE_RATE_LIMIT } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const back = (outcome: Record<string, string>) =>
        reply.redirect(`${SETTINGS_PATH}?${new URLSearchParams(outcome).toString()}`, 303);
      const user = request.auth?.user;
      if (user == null) {
        return back({ google_error: 'Sign in to the gateway in this browser, then connect Google again.' });
      }
      const { state } = request.query;
      if (state == null || state === '') {
        return back({ google_error: 'Google sent the browser back without a state: start the sign-in again.' });
      }
      try {
        await completeGoogleSignIn(context, { userId: user.id, callbackUrl: request.url, state });
        services.gateway.forgetUser(user.id);
        return back({ connected: 'google' });
      } catch (error) {
        const classified = classifyError(error);
        request.log.warn({ err: error }, 'Google sign-in failed');
        // The plain sentence, and the technical account for the page's "Details" fold (issue 17).
        return back({
          google_error: classified.message,
          ...(classified.details == null ? {} : { google_error_details: classified.details }),
        });
      }
    },
  );

  app.delete('/api/connections/google', { config: { access: 'session' } }, async (request, reply) => {
    const userId = requireAuth(request).user.id;
    await disconnectGoogle(context, { userId, log: request.log });
    services.gateway.forgetUser(userId);
    return reply.code(204).send();
  });
}
