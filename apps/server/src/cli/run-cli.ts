import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { UpstreamFetch } from '@pag/providers';
import type { GatewayDatabase } from '../db/open-database.ts';
import { GatewayError } from '../domain/gateway-error.ts';
import { LineReader } from './line-reader.ts';
import { readPassword } from './read-password.ts';
import { USAGE } from './usage.ts';

export type CliIo = {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
  /** Defaults to the process environment (read by config.ts, the only reader of process.env). */
  environment?: NodeJS.ProcessEnv;
  cwd: string;
};

/** Every command, so a typo is answered with the usage text before anything is loaded. */
const COMMANDS = new Set([
  'user create',
  'user list',
  'user reset-password',
  'user delete',
  'key create',
  'key list',
  'key revoke',
  'connect chatgpt',
  'connections',
  'disconnect chatgpt',
  'vault rotate-key',
  'app register',
  'app list',
  'app remove',
  'usage',
  'db copy',
]);

/** The commands that call auth.openai.com (and so need the upstream HTTP client). */
const UPSTREAM_COMMANDS = new Set(['connect chatgpt', 'disconnect chatgpt']);

/** Errors whose message is the whole story (configuration, key file, vault key): one line, exit code 1. */
const ONE_LINE_ERRORS = new Set(['ConfigError', 'VaultKeyMismatchError', 'KeyFileError', 'DatabaseCopyError']);

/** Thrown for a malformed command line: exit code 2 and the usage text. */
class UsageError extends Error {}

/**
 * Runs one CLI command and returns the exit code: 0 on success, 1 on an error (one line on stderr, prefixed
 * `gateway:`), 2 on a malformed command line. Standard output carries only the command's result.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let db: GatewayDatabase | undefined;
  const lines = new LineReader(io.stdin);
  let upstreamFetch: UpstreamFetch | undefined;
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        email: { type: 'string' },
        user: { type: 'string' },
        name: { type: 'string' },
        id: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        admin: { type: 'boolean' },
        device: { type: 'boolean' },
        paste: { type: 'boolean' },
        json: { type: 'boolean' },
        since: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true || positionals.length === 0) {
      io.stdout.write(`${USAGE}\n`);
      return values.help === true ? 0 : 2;
    }
    // `app remove <client_id>` takes its one argument as a positional; every other command is its words alone.
    const isAppRemove = positionals[0] === 'app' && positionals[1] === 'remove';
    const command = isAppRemove ? 'app remove' : positionals.join(' ');
    if (isAppRemove && positionals.length > 3) throw new UsageError('"app remove" takes one client id');
    const need = (name: 'email' | 'user' | 'name' | 'id'): string => {
      const value = values[name];
      if (value == null || value === '') throw new UsageError(`"${command}" needs --${name}`);
      return value;
    };
    if (!COMMANDS.has(command)) throw new UsageError(`unknown command "${command}"`);
    // Loaded only now, and only what the command needs: `--help` and a typo never pay for the database, and only
    // the sign-in commands load the providers' HTTP client (issue 17: the CLI answers in well under a second).
    const { loadConfig, resolveDatabaseLocation } = await import('../config.ts');
    const config = loadConfig(io.environment ?? undefined, io.cwd);
    const print = (line: string) => io.stdout.write(`${line}\n`);
    if (command === 'db copy') {
      // Before the configured database is opened: the copy works on the two it is given (either may be neither).
      const { dbCopyCommand, isDatabaseArgument } = await import('./db-copy-command.ts');
      const location = (name: 'from' | 'to', value: string | undefined) => {
        if (value == null || value === '') throw new UsageError(`"db copy" needs --${name}`);
        if (!isDatabaseArgument(value)) {
          throw new UsageError(`--${name} must be sqlite:<file> or postgres://user:password@host:port/database`);
        }
        // Relative files against the working directory, as GATEWAY_DATABASE_URL's; `sqlite:` is the data dir's.
        return resolveDatabaseLocation(value, { cwd: io.cwd, databaseFile: config.databaseFile, poolSize: 2 });
      };
      return await dbCopyCommand({
        config,
        from: location('from', values.from),
        to: location('to', values.to),
        print,
        warn: (line) => io.stderr.write(`${line}\n`),
      });
    }
    const [{ openGatewayDatabase }, { openGatewayVault }, { createConnectionsContext }] = await Promise.all([
      import('../db/open-database.ts'),
      import('../domain/vault/open-gateway-vault.ts'),
      import('../domain/connections/connections-context.ts'),
    ]);
    // The server's database, SQLite or PostgreSQL (GATEWAY_DATABASE_URL): the CLI works on it alongside the server.
    db = await openGatewayDatabase(config.database);
    const vault = await openGatewayVault({
      db,
      envKey: config.encryptionKey,
      keyFilePath: config.keyFilePath,
      // Only the rotation may find stored values under another key than the primary: moving them is its job.
      isKeyChangeAllowed: command === 'vault rotate-key',
    });
    if (UPSTREAM_COMMANDS.has(command)) {
      const { createUpstreamFetch } = await import('@pag/providers');
      // The CLI's sign-in calls (device code, token exchange, revoke) get the server's upstream timeouts.
      upstreamFetch = createUpstreamFetch({
        connectTimeoutMs: config.upstreamConnectTimeoutMs,
        firstByteTimeoutMs: config.upstreamFirstByteTimeoutMs,
        idleTimeoutMs: config.upstreamIdleTimeoutMs,
      });
    }
    const context = createConnectionsContext({
      config,
      db,
      vault,
      ...(upstreamFetch == null ? {} : { fetch: upstreamFetch }),
    });
    // One line per prompt, from a terminal or a pipe. Piped, the confirmation is the second line if there is one
    // (`printf 'P\nP\n' | …`); a pipe that ends after the password is taken as is, as scripts have always sent it.
    // Control characters are refused by the password rule itself (@pag/contracts passwordSchema).
    const askPassword = async () => {
      const password = await readPassword({ stdin: io.stdin, lines, stderr: io.stderr, prompt: 'Password: ' });
      if (password == null) {
        throw new GatewayError(
          'invalid_request',
          'no password given: type it at the prompt, or pipe it in as one line',
        );
      }
      const again = await readPassword({ stdin: io.stdin, lines, stderr: io.stderr, prompt: 'Repeat password: ' });
      const isConfirmationRequired = io.stdin.isTTY === true;
      if ((again != null || isConfirmationRequired) && again !== password) {
        throw new GatewayError('invalid_request', 'the passwords do not match');
      }
      return password;
    };

    const { findUserByEmail } = await import('../domain/accounts/find-user.ts');
    // Every command's work is awaited inside this try: the `finally` closes the database.
    switch (command) {
      case 'user create': {
        const email = need('email');
        // The first user administers the gateway, as with browser setup.
        const [{ createUser }, { isSetupRequired }] = await Promise.all([
          import('../domain/accounts/create-user.ts'),
          import('../domain/accounts/list-users.ts'),
        ]);
        const isAdmin = values.admin === true || (await isSetupRequired(context));
        const user = await createUser(context, { email, password: await askPassword(), isAdmin });
        io.stderr.write(`created user ${user.email}${user.isAdmin ? ' (admin)' : ''}\n`);
        return 0;
      }
      case 'user list': {
        const { listUsers } = await import('../domain/accounts/list-users.ts');
        const users = await listUsers(context);
        if (values.json === true) print(JSON.stringify(users, null, 2));
        else for (const user of users) print(`${user.email}\t${user.isAdmin ? 'admin' : 'user'}\t${user.createdAt}`);
        return 0;
      }
      case 'user reset-password': {
        const email = need('email');
        const { resetPassword } = await import('../domain/accounts/reset-password.ts');
        await findUserByEmail(context, email);
        await resetPassword(context, { email, password: await askPassword() });
        io.stderr.write(`password changed for ${email}; their sessions were ended\n`);
        return 0;
      }
      case 'user delete': {
        const email = need('email');
        const { deleteUser } = await import('../domain/accounts/delete-user.ts');
        await deleteUser(context, email);
        io.stderr.write(`deleted user ${email}\n`);
        return 0;
      }
      case 'key create': {
        const { createApiKey } = await import('../domain/accounts/create-api-key.ts');
        const user = await findUserByEmail(context, need('user'));
        print((await createApiKey(context, { userId: user.id, name: need('name') })).secret);
        return 0;
      }
      case 'key list': {
        const { listApiKeys } = await import('../domain/accounts/list-api-keys.ts');
        const keys = await listApiKeys(context, (await findUserByEmail(context, need('user'))).id);
        if (values.json === true) print(JSON.stringify(keys, null, 2));
        else
          for (const key of keys)
            print(`${key.id}\t${key.prefix}\t${key.name}\t${key.createdAt}\t${key.lastUsedAt ?? 'never used'}`);
        return 0;
      }
      case 'key revoke': {
        const { revokeApiKey } = await import('../domain/accounts/revoke-api-key.ts');
        const user = await findUserByEmail(context, need('user'));
        await revokeApiKey(context, { userId: user.id, keyId: need('id') });
        io.stderr.write(`revoked key ${need('id')}\n`);
        return 0;
      }
      case 'connect chatgpt': {
        const userId = (await findUserByEmail(context, need('user'))).id;
        if (values.device === values.paste)
          throw new UsageError('"connect chatgpt" needs exactly one of --device or --paste');
        const { connectChatgptByPaste, connectChatgptWithDeviceCode } = await import('./connection-commands.ts');
        return values.device === true
          ? await connectChatgptWithDeviceCode({ context, io, userId })
          : await connectChatgptByPaste({ context, io, lines, userId });
      }
      case 'connections': {
        const { printConnections } = await import('./connection-commands.ts');
        return await printConnections({
          context,
          io,
          userId: (await findUserByEmail(context, need('user'))).id,
          isJson: values.json === true,
        });
      }
      case 'disconnect chatgpt': {
        const { disconnectChatgptCommand } = await import('./connection-commands.ts');
        return await disconnectChatgptCommand({
          context,
          io,
          userId: (await findUserByEmail(context, need('user'))).id,
        });
      }
      case 'vault rotate-key': {
        const { rotateEncryptionKey } = await import('../domain/vault/rotate-encryption-key.ts');
        const result = await rotateEncryptionKey({
          db,
          vault,
          keyFilePath: config.keyFilePath,
          isEnvKeySet: config.encryptionKey != null,
        });
        print(result.newKeyId);
        io.stderr.write(
          config.encryptionKey == null
            ? `re-encrypted ${result.reencrypted} values under key ${result.newKeyId}; removed ${result.removedKeyIds.join(', ') || 'no'} old keys. Back up ${config.keyFilePath}.\n`
            : `re-encrypted ${result.reencrypted} values under GATEWAY_ENCRYPTION_KEY (key ${result.newKeyId}); ` +
                `${config.keyFilePath} is left as it was. Keep GATEWAY_ENCRYPTION_KEY set from now on.\n`,
        );
        return 0;
      }
      case 'app register': {
        const { registerAppClient } = await import('../domain/oauth-server/register-app-client.ts');
        const registered = await registerAppClient(
          { db, now: context.now, vault },
          { name: need('name'), redirectUris: values['redirect-uri'] ?? [] },
        );
        print(registered.clientId);
        io.stderr.write(
          `registered app "${registered.name}" (public client, PKCE) redirecting to ${registered.redirectUris.join(', ')}\n`,
        );
        return 0;
      }
      case 'app list': {
        const { listRegisteredApps } = await import('../domain/oauth-server/list-registered-apps.ts');
        const apps = await listRegisteredApps({ db, now: context.now, vault });
        if (values.json === true) print(JSON.stringify(apps, null, 2));
        else
          for (const app of apps)
            print(
              `${app.clientId}\t${app.name}\t${app.redirectUris.join(' ')}\t${app.connectedUsers} connected\t${app.createdAt}`,
            );
        return 0;
      }
      case 'app remove': {
        const clientId = positionals[2] ?? values.id;
        if (clientId == null || clientId === '') throw new UsageError('"app remove" needs the client id');
        const { removeAppClient } = await import('../domain/oauth-server/remove-app-client.ts');
        const { disconnectedUsers } = await removeAppClient({ db, now: context.now, vault }, clientId);
        io.stderr.write(`removed app ${clientId}; disconnected it for ${disconnectedUsers} user(s)\n`);
        return 0;
      }
      case 'usage': {
        const { usageCommand } = await import('./usage-command.ts');
        return await usageCommand(context, {
          userId: (await findUserByEmail(context, need('user'))).id,
          since: values.since,
          isJson: values.json === true,
          print,
        });
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      io.stderr.write(`gateway: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    // By name: these classes live in modules that are loaded only once a command runs.
    if (error instanceof Error && ONE_LINE_ERRORS.has(error.name)) {
      io.stderr.write(`gateway: ${error.message.replace(/\n\s*/g, ' ')}\n`);
      return 1;
    }
    if (error instanceof GatewayError || (error instanceof Error && error.message === 'cancelled')) {
      io.stderr.write(`gateway: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`gateway: unexpected error: ${(error as Error).message}\n`);
    return 1;
  } finally {
    lines.close();
    await db?.$close();
    await upstreamFetch?.close();
  }
}
