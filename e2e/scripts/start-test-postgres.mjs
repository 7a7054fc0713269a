// A throwaway PostgreSQL server for the test run: a new cluster in a temp dir, listening on a free loopback port
// only, with durability off (fsync, synchronous_commit, full_page_writes: a crash loses nothing a test needs, and
// every test creates and drops a database). Uses Debian's postgresql package (`.ci/run` installs it; test-all.mjs
// asks apt for it like for Chromium). As root, the server runs as the `postgres` user the package creates:
// PostgreSQL refuses to run as root.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The bin folder of the newest PostgreSQL installed by Debian's packages, or undefined. */
export function findPostgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length === 0 ? undefined : join(root, versions[0], 'bin');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres() {
  const bin = findPostgresBin();
  if (bin === undefined) throw new Error('PostgreSQL is not installed: run "sudo apt-get install postgresql"');
  const isRoot = process.getuid?.() === 0;
  const asServerUser = (command, args) =>
    isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const dir = mkdtempSync(join(tmpdir(), 'pag-postgres-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const run = (command, args) => {
    const [program, programArgs] = asServerUser(join(bin, command), args);
    const result = spawnSync(program, programArgs, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-k ${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=300',
  ].join(' ');
  run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
