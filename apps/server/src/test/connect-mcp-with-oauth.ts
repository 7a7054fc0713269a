import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { expect } from 'vitest';
import { ConsentingBrowser, type ConsentOutcome } from './consenting-browser.ts';

export type McpClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/**
 * The official MCP SDK client's OAuth provider interface, backed by memory, whose "browser" is a signed-in gateway
 * user approving on the consent page (ConsentingBrowser). Records what it saw so tests can check the flow.
 */
export class TestOAuthProvider implements OAuthClientProvider {
  readonly redirectUrl = 'http://127.0.0.1:47891/callback';
  readonly #metadata: OAuthClientMetadata;
  readonly #browser: ConsentingBrowser;
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  consent: Promise<ConsentOutcome> | null = null;

  constructor(browser: ConsentingBrowser, authMethod: McpClientAuthMethod) {
    this.#browser = browser;
    this.#metadata = {
      client_name: `SDK test client (${authMethod})`,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: authMethod,
    };
  }

  get clientMetadata() {
    return this.#metadata;
  }
  clientInformation() {
    return this.#client;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.#client = information;
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.consent = this.#browser.authorize(url);
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
}

/**
 * Runs the SDK's whole dance against `endpoint` (the gateway's `/mcp`): 401 → discovery → registration → PKCE →
 * consent by the signed-in `session` → token → connected client.
 */
export async function connectMcpWithOAuth(
  endpoint: URL,
  session: { cookie: string; csrfToken: string },
  authMethod: McpClientAuthMethod,
) {
  const provider = new TestOAuthProvider(new ConsentingBrowser(session), authMethod);
  const firstTry = new Client({ name: 'sdk-test', version: '1.0.0' });
  await expect(
    firstTry.connect(new StreamableHTTPClientTransport(endpoint, { authProvider: provider })),
  ).rejects.toThrow(UnauthorizedError);
  const consent = await provider.consent;
  if (consent == null) throw new Error('the SDK never sent the browser to the authorization endpoint');
  const code = consent.callbackUrl.searchParams.get('code');
  if (code == null) throw new Error(`no code in ${consent.callbackUrl.href}`);
  const transport = new StreamableHTTPClientTransport(endpoint, { authProvider: provider });
  await transport.finishAuth(code);
  const client = new Client({ name: 'sdk-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport, provider, consent };
}
