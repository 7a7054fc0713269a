import type { FakeOpenAiAuth } from '@pag/testkit';
import { createUser } from '../domain/accounts/create-user.ts';
import type { ConnectionsContext } from '../domain/connections/connections-context.ts';
import { saveChatgptConnection } from '../domain/connections/save-chatgpt-connection.ts';
import { TEST_PASSWORD } from './build-test-app.ts';

/** A user with a ChatGPT connection whose tokens the fake minted (skipping the browser dance). */
export async function seedChatgptConnection(options: {
  context: ConnectionsContext;
  fake: FakeOpenAiAuth;
  accessTokenTtlSeconds: number;
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
  const connection = saveChatgptConnection(options.context, { userId: user.id, method: 'device', tokens });
  return { user, connection, tokens };
}
