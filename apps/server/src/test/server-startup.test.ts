import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findFreeLoopbackPort } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningProcess, startBin, waitFor } from './run-process.ts';

/**
 * Writes every module URL Node resolves to stderr, one line each, prefixed so the test can pick them out, and at
 * exit the list of Node's own modules that were loaded to a file (a pipe may not take it all before the process
 * ends).
 */
const recordModules = (builtinsFile: string) => `
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, nextResolve) {
    const resolved = nextResolve(specifier, context);
    process.stderr.write('module: ' + resolved.url + '\\n');
    return resolved;
  },
});
process.on('exit', () => writeFileSync(${JSON.stringify(builtinsFile)}, process.moduleLoadList.join('\\n')));
`;

/**
 * What the server used to load at start for requests most gateways never see (issue 22: idle memory, time to
 * /readyz): each is imported by the first request that needs it.
 */
const LOADED_ON_FIRST_USE: Record<string, RegExp> = {
  'the tokenizer of count_tokens': /\/gpt-tokenizer\//,
  'the MCP SDK': /@modelcontextprotocol/,
  'the OAuth server (oidc-provider, Koa)': /\/oidc-provider\/|\/koa\//,
  'the PostgreSQL driver and dialect, on SQLite': /\/node_modules\/pg\/|drizzle-orm\/(pg-core|node-postgres)\//,
  "all of JOSE (only its JWT decoder is used when a token's claims are read)": /\/jose\/dist\/webapi\/index\.js/,
  'the OpenAPI generator (@fastify/swagger and its YAML library)': /\/@fastify\/swagger\/|\/yaml\//,
  "the AI SDK's provider packages (Anthropic, Google, OpenAI-compatible)":
    /@ai-sdk\/(anthropic|google|openai-compatible|provider-utils)\//,
  'undici, the client of upstream calls': /\/node_modules\/undici\//,
};

describe('issue 22: the server starts without what only some requests need', () => {
  let directory: string;
  let server: RunningProcess;
  let baseUrl: string;
  let builtinsFile: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'pag-startup-'));
    const hooksFile = join(directory, 'record-modules.mjs');
    builtinsFile = join(directory, 'builtins.txt');
    await writeFile(hooksFile, recordModules(builtinsFile));
    const port = await findFreeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startBin({
      bin: 'gateway-server',
      nodeArgs: ['--import', pathToFileURL(hooksFile).href],
      env: { GATEWAY_DATA_DIR: join(directory, 'data'), GATEWAY_PORT: String(port), GATEWAY_LOG_LEVEL: 'warn' },
      cwd: directory,
    });
    await waitFor(async () => ((await fetch(`${baseUrl}/readyz`).catch(() => null))?.status === 200 ? true : null));
    server.child.kill('SIGTERM');
    await server.exited;
  });

  afterAll(async () => {
    if (server?.child.exitCode == null) server?.child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
  });

  const modules = () =>
    server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('module: '))
      .map((line) => line.slice('module: '.length));

  it('loads none of the heavy dependencies that wait for their first request', () => {
    const resolved = modules();
    expect(resolved.some((url) => url.includes('/drizzle-orm/'))).toBe(true);
    const loaded = Object.entries(LOADED_ON_FIRST_USE)
      .filter(([, pattern]) => resolved.some((url) => pattern.test(url)))
      .map(([name]) => name);
    expect(loaded).toEqual([]);
  });

  it("does not load Node's own bundled undici (an ES import of node:http would, for its WebSocket export)", () => {
    const builtins = readFileSync(builtinsFile, 'utf8').split('\n');
    expect(builtins.some((entry) => entry.includes('node:http') || entry.endsWith(' http'))).toBe(true);
    expect(builtins.filter((entry) => entry.includes('deps/undici'))).toEqual([]);
  });
});
