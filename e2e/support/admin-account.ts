import { sessionStateSchema } from '@pag/contracts';
import type { APIRequestContext } from '@playwright/test';

/** The one admin of the throwaway server the global setup starts. */
export const ADMIN = { email: 'admin@example.test', password: 'correct horse battery staple' } as const;

/** The setup token the global setup read from the server's output. */
export function readSetupToken(): string {
  const token = process.env.E2E_SETUP_TOKEN;
  if (token == null || token === '') throw new Error('E2E_SETUP_TOKEN is not set: did the global setup run?');
  return token;
}

/**
 * Creates the admin through the API unless setup already happened, so a test that needs an account can also run
 * on its own (`--grep`), without the setup flow test before it.
 */
export async function ensureAdminAccount(request: APIRequestContext): Promise<void> {
  const session = sessionStateSchema.parse(await (await request.get('/api/auth/session')).json());
  if (!session.setupRequired) return;
  const response = await request.post('/api/auth/setup', {
    data: { token: readSetupToken(), email: ADMIN.email, password: ADMIN.password },
  });
  if (response.status() !== 201) throw new Error(`setup failed: ${response.status()} ${await response.text()}`);
}
