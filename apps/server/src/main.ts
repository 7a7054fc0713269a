import { KeyFileError } from '@pag/vault';
import pino from 'pino';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { type DatabaseLocation, type GatewayDatabase, openGatewayDatabase } from './db/open-database.ts';
import { isSetupRequired } from './domain/accounts/list-users.ts';
import { expiredSignInFailuresTask, LOGIN_THROTTLE_LIMIT } from './domain/accounts/login-throttle.ts';
import { SetupToken } from './domain/accounts/setup-token.ts';
import { expiredSignInFlowsTask } from './domain/connections/expired-sign-in-flows-task.ts';
import { expiredGoogleSignInFlowsTask } from './domain/google/expired-google-sign-in-flows-task.ts';
import { expiredSessionsTask } from './domain/maintenance/delete-expired-rows.ts';
import { startCleanupScheduler } from './domain/maintenance/start-cleanup-scheduler.ts';
import { expiredOAuthRecordsTask, unusedOAuthClientsTask } from './domain/oauth-server/collect-unused-clients.ts';
import { oldQuotaSnapshotsTask } from './domain/quota/old-quota-snapshots-task.ts';
import { expiredSharedStateTask } from './domain/replicas/expired-shared-state-task.ts';
import { expiredUsageEventsTask } from './domain/usage/expired-usage-events-task.ts';
import { openGatewayVault, VaultKeyMismatchError } from './domain/vault/open-gateway-vault.ts';

/** A shutdown that takes longer than this (a stuck connection) is cut short. */
const SHUTDOWN_GRACE_MS = 10_000;
const CLEANUP_INTERVAL_MS = 10 * 60_000;
/** Pending connections the listening socket queues (see the listen call below). */
const LISTEN_BACKLOG = 4096;

function fail(message: string): never {
  process.stderr.write(`gateway: ${message}\n`);
  process.exit(1);
}

/** The database for an error message: the SQLite file, or PostgreSQL's host and database without the credentials. */
function describeDatabase(location: DatabaseLocation): string {
  if (location.kind === 'sqlite') return location.file;
  try {
    const url = new URL(location.url);
    return `postgres://${url.host}${url.pathname}`;
  } catch {
    return 'on PostgreSQL';
  }
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  let db: GatewayDatabase;
  try {
    db = await openGatewayDatabase(config.database);
  } catch (error) {
    fail(`cannot open the database ${describeDatabase(config.database)}: ${(error as Error).message}`);
  }

  let vault: Awaited<ReturnType<typeof openGatewayVault>>;
  try {
    vault = await openGatewayVault({ db, envKey: config.encryptionKey, keyFilePath: config.keyFilePath });
  } catch (error) {
    if (error instanceof VaultKeyMismatchError || error instanceof KeyFileError) fail(error.message);
    throw error;
  }

  const setupToken = new SetupToken();
  // Log lines go to stdout asynchronously (sonic-boom hands each write to libuv's thread pool): a synchronous write
  // to a file or pipe cost about 0.25 ms of the event loop per line in the issue 22 profile, time every request
  // behind it waited for. They are written in batches — at 4 KiB, else every 100 ms — since starting one write per
  // line still cost about 18 µs of each request's own time (issue 22 profile). Lines still queued are flushed
  // synchronously when the process exits; a kill -9 loses at most the last 100 ms of lines.
  const logStream = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 100 });
  const app = await buildApp({ config, db, setupToken, vault, logStream });
  const context = { db, now: Date.now };
  const stopCleanup = startCleanupScheduler({
    context,
    tasks: [
      expiredSessionsTask({ idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs }),
      expiredSignInFlowsTask(),
      expiredGoogleSignInFlowsTask(),
      expiredOAuthRecordsTask(),
      unusedOAuthClientsTask({ db, now: Date.now, vault }),
      expiredUsageEventsTask(config.usageRetentionMs),
      oldQuotaSnapshotsTask(),
      expiredSignInFailuresTask(LOGIN_THROTTLE_LIMIT.windowMs),
      expiredSharedStateTask(),
    ],
    intervalMs: CLEANUP_INTERVAL_MS,
    logger: app.log,
  });

  let isShuttingDown = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (isShuttingDown) return;
    isShuttingDown = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    await stopCleanup();
    await app.close();
    await db.$close();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  try {
    // A deep accept queue: Node's default of 511 pending connections overflows when many clients connect at once
    // while the event loop is busy, and the kernel then drops their SYNs, which clients retry only after a second
    // (issue 22: 1,000 streams at once). The kernel caps it at net.core.somaxconn.
    await app.listen({ host: config.host, port: config.port, backlog: LISTEN_BACKLOG });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      fail(`port ${config.port} on ${config.host} is in use: set GATEWAY_PORT to another port`);
    if (code === 'EADDRNOTAVAIL') fail(`GATEWAY_HOST ${config.host} is not an address of this machine`);
    throw error;
  }

  if (await isSetupRequired(context)) {
    const publicUrl = new URL(config.publicUrl);
    // With GATEWAY_PORT=0 the OS picks the port; show the one actually bound.
    const address = app.server.address();
    if (publicUrl.port === '0' && address != null && typeof address === 'object') publicUrl.port = String(address.port);
    const setupUrl = new URL(`/setup#token=${setupToken.issue()}`, publicUrl).toString();
    // Printed, not logged: the link carries a one-time secret that should not end up in log storage.
    process.stdout.write(
      `\nNo gateway user exists yet. Create the first (admin) user by opening:\n\n  ${setupUrl}\n\n` +
        'or from a shell: pnpm gateway user create --email you@example.com\n\n',
    );
    app.log.warn('first-run setup pending: open the setup link printed above');
  }
}

await main();
