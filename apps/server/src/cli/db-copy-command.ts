import { existsSync, realpathSync, rmSync } from 'node:fs';
import type { Config } from '../config.ts';
import { type DatabaseLocation, type GatewayDatabase, openGatewayDatabase } from '../db/open-database.ts';
import { copyDatabase, DatabaseCopyError } from '../domain/maintenance/copy-database.ts';
import { openGatewayVault } from '../domain/vault/open-gateway-vault.ts';

/**
 * `gateway db copy` (docs/postgres.md §7): copies the gateway database at `from` into the empty one at `to`, SQLite
 * or PostgreSQL either way. It opens the two databases it is given, never `config.database`: the command moves a
 * gateway from one to the other, so the configured one may be either or neither. The vault opens with the configured
 * key, checked against the source (what the secrets were written with), and the copy verifies every secret on the
 * target with it. Every refusal is a `DatabaseCopyError` (one line, exit 1) and leaves the target as it was: the copy
 * is one transaction, and a SQLite file this command created for the target is removed again.
 */
export async function dbCopyCommand(options: {
  config: Config;
  from: DatabaseLocation;
  to: DatabaseLocation;
  print: (line: string) => void;
  warn: (line: string) => void;
}): Promise<number> {
  const { config, from, to } = options;
  const secrets = [from, to].flatMap(passwordsOf);
  const scrub = (text: string) => secrets.reduce((result, secret) => result.replaceAll(secret, '***'), text);
  if (sameDatabase(from, to)) {
    throw new DatabaseCopyError(
      `--from and --to are the same database (${describeLocation(from)}): copy into another one.`,
    );
  }
  // openDatabase creates a missing file: a mistyped source path would be copied as an empty gateway.
  if (from.kind === 'sqlite' && !existsSync(from.file)) {
    throw new DatabaseCopyError(`The source database ${describeLocation(from)} does not exist.`);
  }
  const isNewTargetFile = to.kind === 'sqlite' && !existsSync(to.file);
  let source: GatewayDatabase | undefined;
  let target: GatewayDatabase | undefined;
  let isCopied = false;
  try {
    source = await open(from, 'source', scrub);
    // The key is checked before the target is even opened: a wrong key leaves no trace there.
    const vault = await openGatewayVault({ db: source, envKey: config.encryptionKey, keyFilePath: config.keyFilePath });
    target = await open(to, 'target', scrub);
    let report: Awaited<ReturnType<typeof copyDatabase>>;
    try {
      report = await copyDatabase(source, target, { vault });
    } catch (error) {
      if (error instanceof DatabaseCopyError) throw error;
      // A failed insert (a constraint, a lost connection): the transaction rolled back, so say that with the reason.
      throw new DatabaseCopyError(
        `The copy failed and was rolled back, the target is as it was: ${scrub(describeError(error))}`,
      );
    }
    isCopied = true;
    for (const table of report.tables) options.print(`${table.name}\t${table.rows}`);
    const rows = report.tables.reduce((sum, table) => sum + table.rows, 0);
    const keys = report.keyIds.length === 0 ? '' : ` (key id ${report.keyIds.join(', ')})`;
    options.print(
      `copied ${rows} rows in ${report.tables.length} tables from ${describeLocation(from)} to ${describeLocation(to)}; ` +
        `${report.secretsVerified} secrets verified${keys}`,
    );
    if (to.kind === 'postgres' && config.encryptionKey == null) {
      // PostgreSQL replicas take the key only from the environment (config.ts), never from a key file.
      options.warn(
        `Run the gateways on ${describeLocation(to)} with GATEWAY_ENCRYPTION_KEY set to the key ${vault.primaryKeyId} of ${config.keyFilePath} (its "key", base64).`,
      );
    }
    return 0;
  } finally {
    await source?.$close();
    await target?.$close();
    // Nothing half-made is left behind: a target file that did not exist before the command does not after a refusal.
    if (!isCopied && isNewTargetFile && to.kind === 'sqlite') {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${to.file}${suffix}`, { force: true });
    }
  }
}

/** `sqlite:<file>` (the data dir's gateway.db when empty) or a PostgreSQL URL, resolved as config.ts resolves them. */
export function isDatabaseArgument(value: string): boolean {
  return /^(sqlite:|postgres(ql)?:\/\/)/.test(value) && value !== 'sqlite::memory:';
}

async function open(
  location: DatabaseLocation,
  role: 'source' | 'target',
  scrub: (text: string) => string,
): Promise<GatewayDatabase> {
  try {
    // Two connections are plenty: one holds the copy's transaction, the other reads.
    return await openGatewayDatabase(location.kind === 'postgres' ? { ...location, poolSize: 2 } : location);
  } catch (error) {
    throw new DatabaseCopyError(
      `Cannot open the ${role} database ${describeLocation(location)}: ${scrub(describeError(error))}`,
    );
  }
}

/** How a location is shown: the absolute file, or the URL with its password replaced. */
export function describeLocation(location: DatabaseLocation): string {
  if (location.kind === 'sqlite') return `sqlite:${location.file}`;
  try {
    const url = new URL(location.url);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return 'the PostgreSQL URL given (not a valid URL)';
  }
}

/** The password of a PostgreSQL URL as written and decoded: neither may reach the output, even inside an error. */
function passwordsOf(location: DatabaseLocation): string[] {
  if (location.kind !== 'postgres') return [];
  try {
    const { password } = new URL(location.url);
    if (password === '') return [];
    return [...new Set([password, decodeURIComponent(password)])];
  } catch {
    return [];
  }
}

function sameDatabase(a: DatabaseLocation, b: DatabaseLocation): boolean {
  if (a.kind === 'sqlite' && b.kind === 'sqlite') return canonicalFile(a.file) === canonicalFile(b.file);
  if (a.kind === 'postgres' && b.kind === 'postgres') return postgresIdentity(a.url) === postgresIdentity(b.url);
  return false;
}

/** The file behind symbolic links, when it exists (two spellings of one file are one database). */
function canonicalFile(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** Host, port and database name: two users (or passwords) on one database still name one database. */
function postgresIdentity(value: string): string {
  try {
    const url = new URL(value);
    return `${url.hostname.toLowerCase()}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return value;
  }
}

/** An error's message; connection failures to several addresses come as an AggregateError with an empty one. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message !== '') return error.message;
  const first = (error as { errors?: unknown[] }).errors?.[0];
  if (first instanceof Error && first.message !== '') return first.message;
  return (error as { code?: string }).code ?? error.name;
}
