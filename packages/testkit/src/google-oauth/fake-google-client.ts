import { CodedTypeError } from '../coded-type-error.ts';
import { DEFAULT_FAKE_GOOGLE_CLIENT } from './google-oauth-constants.ts';

/** An OAuth client as a user registers it in Google Cloud ("Web application"): id, secret, exact redirect URIs. */
export type FakeGoogleClient = {
  clientId: string;
  clientSecret: string;
  /** Compared byte for byte, as Google does: no normalisation of case, trailing slashes or default ports. */
  redirectUris: readonly string[];
};

/** Checks one client registration; throws a coded TypeError naming the bad field. */
export function validateFakeGoogleClient(client: unknown, name = 'client'): FakeGoogleClient {
  if (client == null || typeof client !== 'object' || Array.isArray(client)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: `"${name}" must be an object` });
  }
  const { clientId, clientSecret, redirectUris } = client as Record<string, unknown>;
  for (const [field, value] of [
    ['clientId', clientId],
    ['clientSecret', clientSecret],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new CodedTypeError({
        code: 'ERR_INVALID_ARG_TYPE',
        message: `"${name}.${field}" must be a non-empty string`,
      });
    }
  }
  if (!Array.isArray(redirectUris) || redirectUris.length === 0) {
    throw new CodedTypeError({
      code: 'ERR_INVALID_ARG_TYPE',
      message: `"${name}.redirectUris" must be a non-empty array of absolute URLs`,
    });
  }
  for (const uri of redirectUris) {
    if (typeof uri !== 'string' || !URL.canParse(uri) || !/^https?:$/.test(new URL(uri).protocol)) {
      throw new CodedTypeError({
        code: 'ERR_INVALID_ARG_VALUE',
        message: `"${name}.redirectUris" must hold absolute http(s) URLs, got ${JSON.stringify(uri)}`,
      });
    }
  }
  return { clientId: clientId as string, clientSecret: clientSecret as string, redirectUris: [...redirectUris] };
}

/** The starting registrations; an empty or missing list gives the default test client. */
export function createFakeGoogleClients(options?: readonly FakeGoogleClient[]): FakeGoogleClient[] {
  if (options == null || options.length === 0) {
    return [{ ...DEFAULT_FAKE_GOOGLE_CLIENT, redirectUris: [...DEFAULT_FAKE_GOOGLE_CLIENT.redirectUris] }];
  }
  const clients = options.map((client, index) => validateFakeGoogleClient(client, `clients[${index}]`));
  if (new Set(clients.map((client) => client.clientId)).size !== clients.length) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"clients" repeat a "clientId"' });
  }
  return clients;
}
