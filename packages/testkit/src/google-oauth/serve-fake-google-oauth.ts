import { parseArgs } from 'node:util';
import { DEFAULT_FAKE_GOOGLE_CLIENT } from './google-oauth-constants.ts';
import type { FakeGoogleOAuth } from './start-fake-google-oauth.ts';
import { startFakeGoogleOAuth } from './start-fake-google-oauth.ts';

export type ServeFakeGoogleOAuthOptions = {
  /** The arguments after `serve google-oauth`. */
  argv: readonly string[];
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Stops the fake; without one it runs until the process ends. */
  signal?: AbortSignal | undefined;
};

/** The `google-oauth` part of `pag-testkit --help`. */
export const GOOGLE_OAUTH_CLI_USAGE = `  google-oauth                accounts.google.com + oauth2.googleapis.com for a user's own OAuth client.
    --port <n>                Listen on 127.0.0.1:<n> instead of an ephemeral port.
    --auto-approve            Authorize redirects at once for the first account, without a consent page.
    --client-id <id>          Register this client instead of the default test client (needs --client-secret).
    --client-secret <secret>
    --redirect-uri <uri>      An exact redirect URI of that client; repeatable.
    --issuer <url>            id_token issuer (default https://accounts.google.com).
`;

/**
 * `pag-testkit serve google-oauth`: resolves with the exit code once the signal aborts (0) or the fake cannot
 * start (1), or with `{ usageProblem }` for the CLI to print with its usage text (exit 2).
 */
export async function serveFakeGoogleOAuth(
  options: ServeFakeGoogleOAuthOptions,
): Promise<number | { usageProblem: string }> {
  let values: {
    port?: string;
    'auto-approve'?: boolean;
    'client-id'?: string;
    'client-secret'?: string;
    'redirect-uri'?: string[];
    issuer?: string;
  };
  try {
    ({ values } = parseArgs({
      args: [...options.argv],
      options: {
        port: { type: 'string' },
        'auto-approve': { type: 'boolean' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        issuer: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { usageProblem: `serve: ${(error as Error).message}` };
  }
  const port = values.port == null ? undefined : Number(values.port);
  if (port != null && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    return { usageProblem: 'serve: --port must be an integer from 1 to 65535' };
  }
  const clientId = values['client-id'];
  const clientSecret = values['client-secret'];
  if ((clientId == null) !== (clientSecret == null)) {
    return { usageProblem: 'serve: --client-id and --client-secret go together' };
  }
  const redirectUris = values['redirect-uri'] ?? [...DEFAULT_FAKE_GOOGLE_CLIENT.redirectUris];

  let fake: FakeGoogleOAuth;
  try {
    fake = await startFakeGoogleOAuth({
      clients: [
        {
          clientId: clientId ?? DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
          clientSecret: clientSecret ?? DEFAULT_FAKE_GOOGLE_CLIENT.clientSecret,
          redirectUris,
        },
      ],
      ...(port == null ? {} : { port }),
      ...(values['auto-approve'] === true ? { autoApprove: true } : {}),
      ...(values.issuer == null ? {} : { issuer: values.issuer }),
    });
  } catch (error) {
    options.stderr.write(`pag-testkit: cannot start google-oauth: ${(error as Error).message}\n`);
    return 1;
  }
  options.stdout.write(`${fake.url}\n`);
  options.stderr.write(
    `google-oauth fake: client_id ${fake.clients[0]?.clientId ?? 'none'}, account ${fake.accounts[0]?.email ?? 'none'}\n` +
      `  GATEWAY_GOOGLE_AUTH_URL=${fake.authorizationEndpoint}\n` +
      `  GATEWAY_GOOGLE_TOKEN_URL=${fake.tokenEndpoint}\n` +
      `  redirect URIs ${redirectUris.join(' ')}\n` +
      `  test hooks ${fake.url}/__testkit/…   Ctrl-C to stop\n`,
  );
  await waitForAbort(options.signal);
  await fake.close();
  return 0;
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (signal == null) return new Promise<void>(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
