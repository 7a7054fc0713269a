import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreeLoopbackPort } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_MANIFEST_FILE, checkServerBuild, digestOf, REPO_ROOT } from '../../bin/check-server-build.mjs';
import { SERVER_DIRECTORY } from '../server-directory.ts';
import { LOADED_ON_FIRST_USE } from '../test/loaded-on-first-use.ts';
import { runGatewayCli, startBin, waitFor } from '../test/run-process.ts';
import { BUILD_METAFILE, buildServer, type ServerBuild } from './build-server.ts';

describe('issue 22: the server build (apps/server/dist)', () => {
  // A folder of its own directly in apps/server, as the build requires, so this test never touches the real dist/
  // that other tests' servers may be running from.
  const outDir = join(SERVER_DIRECTORY, `.build-test-${randomUUID()}`);
  let built: ServerBuild;

  beforeAll(async () => {
    mkdirSync(outDir);
    // What a previous build left: a file its manifest lists, which must stay, and one no manifest lists.
    writeFileSync(join(outDir, 'previous-chunk.js'), '');
    writeFileSync(join(outDir, 'older-chunk.js'), '');
    writeFileSync(join(outDir, BUILD_MANIFEST_FILE), JSON.stringify({ entry: 'x', files: ['previous-chunk.js'] }));
    built = await buildServer(outDir);
  }, 60_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('lists what it was made from, each with its digest: our sources and package manifests, the lockfile, the script', () => {
    const paths = Object.keys(built.manifest.inputs);
    expect(paths).toEqual(
      expect.arrayContaining([
        'apps/server/src/main.ts',
        'apps/server/src/build/build-server.ts',
        'apps/server/package.json',
        'packages/providers/src/index.ts',
        'packages/providers/package.json',
        'pnpm-lock.yaml',
      ]),
    );
    expect(paths.filter((path) => path.includes('node_modules') || path.includes('.test.'))).toEqual([]);
    for (const path of ['apps/server/src/main.ts', 'pnpm-lock.yaml']) {
      expect(built.manifest.inputs[path]).toBe(digestOf(readFileSync(join(REPO_ROOT, path))));
    }
    expect(checkServerBuild({ buildDir: outDir })).toEqual({ entry: join(outDir, built.manifest.entry) });
  });

  it("keeps the previous build's files (a running server may still load them) and removes older ones", () => {
    expect(existsSync(join(outDir, 'previous-chunk.js'))).toBe(true);
    expect(existsSync(join(outDir, 'older-chunk.js'))).toBe(false);
    for (const file of [...built.manifest.files, BUILD_METAFILE]) expect(existsSync(join(outDir, file))).toBe(true);
  });

  it('bundles each dependency that waits for its first request, in files the entry does not import', () => {
    const outputs = built.metafile.outputs;
    const startFiles = new Set<string>();
    const queue = Object.keys(outputs).filter((output) => output.endsWith(`/${built.manifest.entry}`));
    for (let output = queue.pop(); output != null; output = queue.pop()) {
      if (startFiles.has(output)) continue;
      startFiles.add(output);
      for (const imported of outputs[output]?.imports ?? []) {
        if (imported.kind === 'import-statement' && imported.external !== true) queue.push(imported.path);
      }
    }
    const inputsOf = (files: string[]) =>
      files.flatMap((file) => Object.keys(outputs[file]?.inputs ?? {}).map((input) => `/${input}`));
    const atStart = inputsOf([...startFiles]);
    const all = inputsOf(Object.keys(outputs));
    expect(atStart.some((input) => input.includes('/fastify/'))).toBe(true);
    const lazy = Object.entries(LOADED_ON_FIRST_USE).filter(([name]) => !name.startsWith('undici'));
    expect(lazy.filter(([, pattern]) => !all.some((input) => pattern.test(input))).map(([name]) => name)).toEqual([]);
    expect(lazy.filter(([, pattern]) => atStart.some((input) => pattern.test(input))).map(([name]) => name)).toEqual(
      [],
    );
  });

  it('is written only directly in apps/server, where the paths the server computes from its files hold', async () => {
    await expect(buildServer(join(tmpdir(), 'pag-server-build'))).rejects.toThrow(/directly in/);
    await expect(buildServer(join(outDir, 'nested'))).rejects.toThrow(/directly in/);
  });

  it('runs: migrates a new database, serves a key made by the CLI, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pag-build-run-'));
    const port = await findFreeLoopbackPort();
    const env = { GATEWAY_DATA_DIR: dataDir, GATEWAY_PORT: String(port), GATEWAY_LOG_LEVEL: 'warn' };
    // The build's entry itself, not bin/gateway-server.mjs (which only ever runs the real apps/server/dist).
    const server = startBin({ bin: 'gateway-server', env, cwd: dataDir, script: join(outDir, built.manifest.entry) });
    try {
      await waitFor(() => (server.output().includes('/setup#token=') ? true : null));
      const created = await runGatewayCli({
        args: ['user', 'create', '--email', 'build@example.com'],
        env,
        cwd: dataDir,
        stdin: 'a password for the built server\n',
      });
      expect(created.code).toBe(0);
      const key = await runGatewayCli({
        args: ['key', 'create', '--user', 'build@example.com', '--name', 'build'],
        env,
        cwd: dataDir,
      });
      expect(key).toMatchObject({ code: 0, stderr: '' });
      const headers = { authorization: `Bearer ${key.stdout.trim()}` };
      const me = await fetch(`http://127.0.0.1:${port}/api/me`, { headers });
      expect(me.status, `${await me.clone().text()}\n${server.output()}`).toBe(200);
      expect(await me.json()).toMatchObject({ user: { email: 'build@example.com' }, authenticatedWith: 'api-key' });
      const models = await fetch(`http://127.0.0.1:${port}/v1/models`, { headers });
      expect(models.status).toBe(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      if (server.child.exitCode == null) server.child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
