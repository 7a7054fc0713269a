import type { FakeOpenAiAuth } from '@pag/testkit';
import { createUser } from '../domain/accounts/create-user.ts';
import type { ConnectionsContext } from '../domain/connections/connections-context.ts';
import { saveChatgptConnection } from '../domain/connections/save-chatgpt-connection.ts';
import { backdateTokenReceipt } from './backdate-token-receipt.ts';
import { TEST_PASSWORD } from './build-test-app.ts';

/** The lifetime of a real ChatGPT access token: about 10 days (docs/codex-protocol.md §2.2). */
const REAL_ACCESS_TOKEN_LIFETIME_SECONDS = 864_000;

/**
 * A user with a ChatGPT connection whose tokens the fake minted (skipping the browser dance). The access token has
 * `accessTokenTtlSeconds` left and, unless `receivedSecondsAgo` says otherwise, was received as long ago as a real
 * 10-day token with that much left would have been: a token one minute from expiry is an old one, not one that
 * lives a minute (whose refresh window would be half a minute).
 */
export async function seedChatgptConnection(options: {
  context: ConnectionsContext;
  fake: FakeOpenAiAuth;
  accessTokenTtlSeconds: number;
  receivedSecondsAgo?: number;
  email?: string;
  /** The fake's account to mint tokens for (email or ChatGPT account id); its first account by default. */
  account?: string;
}) {
  const user = await createUser(options.context, {
    email: options.email ?? 'owner@example.com',
    password: TEST_PASSWORD,
    isAdmin: true,
  });
  const minted = await options.fake.mintTokens({
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    ...(options.account == null ? {} : { account: options.account }),
  });
  const tokens = {
    idToken: minted.idToken,
    accessToken: minted.accessToken,
    refreshToken: minted.refreshToken,
    expiresInSeconds: options.accessTokenTtlSeconds,
  };
  const connection = await saveChatgptConnection(options.context, { userId: user.id, method: 'device', tokens });
  await backdateTokenReceipt(
    options.context,
    connection.id,
    options.receivedSecondsAgo ?? Math.max(0, REAL_ACCESS_TOKEN_LIFETIME_SECONDS - options.accessTokenTtlSeconds),
  );
  return { user, connection, tokens };
}
