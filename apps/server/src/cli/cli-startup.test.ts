import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const GATEWAY_CLI = fileURLToPath(new URL('../../bin/gateway.mjs', import.meta.url));
const run = promisify(execFile);

/** Writes every module URL Node resolves to stderr, one line each, prefixed so the test can pick them out. */
const RECORD_MODULES = `
import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    process.stderr.write('module: ' + resolved.url + '\\n');
    return resolved;
  },
});
`;

let directory: string;
let hooksFile: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pag-cli-startup-'));
  hooksFile = join(directory, 'record-modules.mjs');
  await writeFile(hooksFile, RECORD_MODULES);
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Runs the CLI as a person does and lists the modules it loaded. */
async function loadedModules(args: string[]): Promise<{ stdout: string; modules: string[] }> {
  const result = await run(process.execPath, ['--import', pathToFileURL(hooksFile).href, GATEWAY_CLI, ...args], {
    cwd: directory,
    env: { ...process.env, GATEWAY_DATA_DIR: join(directory, 'data') },
    timeout: 30_000,
  }).catch((error: { stdout: string; stderr: string }) => error);
  const modules = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('module: '))
    .map((line) => line.slice('module: '.length));
  return { stdout: result.stdout, modules };
}

/** What made every call take seconds: the database layer, the schemas, the providers and the HTTP server. */
const HEAVY = /drizzle-orm|better-sqlite3|\/zod\/|@ai-sdk|\/undici\/|fastify|@pag\/providers|packages\/providers/;

describe('the CLI starts without loading the app', () => {
  it('issue 17: --help prints the usage from a handful of modules, without the database, zod or the providers', async () => {
    const { stdout, modules } = await loadedModules(['--help']);
    expect(stdout).toMatch(/^Usage: pnpm gateway <command>/);
    expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
    expect(modules.filter((url) => url.startsWith('file:')).length).toBeLessThan(10);
  });

  it('issue 17: a mistyped command is answered before anything is loaded', async () => {
    const { modules } = await loadedModules(['usre', 'list']);
    expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
  });

  it('issue 17: "user list" does not load the providers, the HTTP server or, on SQLite, the PostgreSQL driver', async () => {
    const { modules } = await loadedModules(['user', 'list']);
    expect(modules.some((url) => url.includes('drizzle-orm'))).toBe(true);
    expect(modules.filter((url) => /@ai-sdk|fastify|packages\/providers/.test(url))).toEqual([]);
    // pg and drizzle's driver for it come with the first PostgreSQL database (db/open-database.ts).
    expect(modules.filter((url) => /\/node_modules\/pg\/|\/node-postgres\//.test(url))).toEqual([]);
  });
});
