// A second (and third) gateway process for the cross-process refresh test: opens the same database (the SQLite file,
// or on a PostgreSQL run the test's database, as replicas share it) and key file, waits for "go" on stdin so both
// processes start together, then asks for the token many times at once.
import { createInterface } from 'node:readline';
import { loadConfig } from '../config.ts';
import { openGatewayDatabase } from '../db/open-database.ts';
import { ChatgptTokenManager } from '../domain/connections/chatgpt-token-manager.ts';
import { createConnectionsContext } from '../domain/connections/connections-context.ts';
import { openGatewayVault } from '../domain/vault/open-gateway-vault.ts';

const [userId, countText] = process.argv.slice(2);
const config = loadConfig();
const db = await openGatewayDatabase(config.database);
const vault = await openGatewayVault({ db, envKey: config.encryptionKey, keyFilePath: config.keyFilePath });
const manager = new ChatgptTokenManager(createConnectionsContext({ config, db, vault }));
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'go') continue;
  const results = await Promise.allSettled(
    Array.from({ length: Number(countText) }, () => manager.getAccessToken(userId ?? '')),
  );
  const tokens = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.accessToken] : []));
  const errors = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
  process.stdout.write(`${JSON.stringify({ tokens: [...new Set(tokens)], count: tokens.length, errors })}\n`);
  break;
}
lines.close();
await db.$close();
