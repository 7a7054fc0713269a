import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findFreeLoopbackPort } from '@pag/testkit';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkServerBuild, REPO_ROOT, SERVER_BUILD_DIR } from '../../bin/check-server-build.mjs';
import { BUILD_METAFILE, buildServer } from '../build/build-server.ts';
import { LOADED_ON_FIRST_USE } from './loaded-on-first-use.ts';
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
 * Both ways bin/gateway-server.mjs starts the server: the build (apps/server/dist, made here first when it is not
 * current, as `pnpm start` would) and the sources (`--sources`). The build resolves no module of ours or of the
 * dependencies it bundles, so what it loaded is read from esbuild's account of which sources went into which of
 * its files.
 */
describe.each([
  { from: 'the server build', args: [] },
  { from: 'the sources', args: ['--sources'] },
])('issue 22: the server starts from $from without what only some requests need', ({ args }) => {
  let directory: string;
  let server: RunningProcess;
  let baseUrl: string;
  let builtinsFile: string;
  const runsBuild = args.length === 0;

  beforeAll(async () => {
    if (runsBuild && !('entry' in checkServerBuild())) await buildServer();
    directory = await mkdtemp(join(tmpdir(), 'pag-startup-'));
    const hooksFile = join(directory, 'record-modules.mjs');
    builtinsFile = join(directory, 'builtins.txt');
    await writeFile(hooksFile, recordModules(builtinsFile));
    const port = await findFreeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startBin({
      bin: 'gateway-server',
      args,
      nodeArgs: ['--import', pathToFileURL(hooksFile).href],
      env: { GATEWAY_DATA_DIR: join(directory, 'data'), GATEWAY_PORT: String(port), GATEWAY_LOG_LEVEL: 'warn' },
      cwd: directory,
    });
    await waitFor(async () => ((await fetch(`${baseUrl}/readyz`).catch(() => null))?.status === 200 ? true : null));
    server.child.kill('SIGTERM');
    await server.exited;
  }, 60_000);

  afterAll(async () => {
    if (server?.child.exitCode == null) server?.child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
  });

  const resolvedUrls = () =>
    server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('module: '))
      .map((line) => line.slice('module: '.length));

  /** Every module the server loaded: what Node resolved, and for the build's own files, the sources in them. */
  const modules = () => {
    const resolved = resolvedUrls();
    if (!runsBuild) return resolved;
    const metafile: Metafile = JSON.parse(readFileSync(join(SERVER_BUILD_DIR, BUILD_METAFILE), 'utf8'));
    const bundled = Object.entries(metafile.outputs)
      .filter(([output]) => resolved.includes(pathToFileURL(join(REPO_ROOT, output)).href))
      .flatMap(([, { inputs }]) => Object.keys(inputs).map((input) => pathToFileURL(join(REPO_ROOT, input)).href));
    return [...resolved, ...bundled];
  };

  it(`runs ${runsBuild ? 'the build, not the sources' : 'the sources, not the build'}`, () => {
    const resolved = resolvedUrls();
    const ranBuild = resolved.some((url) => url.startsWith(pathToFileURL(SERVER_BUILD_DIR).href));
    const ranSources = resolved.some((url) => url.endsWith('/apps/server/src/main.ts'));
    expect({ ranBuild, ranSources }).toEqual({ ranBuild: runsBuild, ranSources: !runsBuild });
  });

  it('loads none of the heavy dependencies that wait for their first request', () => {
    const loaded = modules();
    expect(loaded.some((url) => url.includes('/drizzle-orm/'))).toBe(true);
    const loadedEarly = Object.entries(LOADED_ON_FIRST_USE)
      .filter(([, pattern]) => loaded.some((url) => pattern.test(url)))
      .map(([name]) => name);
    expect(loadedEarly).toEqual([]);
  });

  it("does not load Node's own bundled undici (an ES import of node:http would, for its WebSocket export)", () => {
    const builtins = readFileSync(builtinsFile, 'utf8').split('\n');
    expect(builtins.some((entry) => entry.includes('node:http') || entry.endsWith(' http'))).toBe(true);
    expect(builtins.filter((entry) => entry.includes('deps/undici'))).toEqual([]);
  });
});
