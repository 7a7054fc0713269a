import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FAKE_CODEX_REPLY_TEXT } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiTestGateway, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 18 acceptance: the packed `@pag/client` is what a note-app developer installs. `pnpm pack` builds it
// (prepack: tsdown) into a tarball; a fresh project outside the workspace installs the tarball with npm from the
// registry or its cache, and a plain Node script there streams an answer from a gateway on loopback (Codex fake).

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLIENT_DIR = join(ROOT, 'packages/client');

/** The repo's pnpm: the one running us when started through it, else the pinned version through npx. */
async function pnpm(args: string[], cwd: string) {
  const execpath = process.env.npm_execpath ?? '';
  if (/pnpm/.test(execpath)) return run(process.execPath, [execpath, ...args], { cwd, timeout: 120_000 });
  const { packageManager } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
    packageManager: string;
  };
  return run('npx', ['-y', packageManager, ...args], { cwd, timeout: 120_000 });
}

const STREAM_SCRIPT = `
import { createGatewayClient, GatewayClientError } from '@pag/client';
const client = createGatewayClient({ baseUrl: process.env.GATEWAY_URL, apiKey: process.env.GATEWAY_KEY });
let text = '';
const types = [];
for await (const event of client.stream({ content: 'Say hello' })) {
  types.push(event.type);
  if (event.type === 'delta') text += event.text;
}
const refused = await createGatewayClient({ baseUrl: process.env.GATEWAY_URL, apiKey: 'gwk_wrong' })
  .chat({ content: 'Hi' })
  .catch((error) => ({ isTyped: error instanceof GatewayClientError, status: error.status, code: error.code }));
const models = (await client.models()).map((model) => model.id);
console.log(JSON.stringify({ text, types: [...new Set(types)], refused, hasModels: models.some((id) => id.startsWith('chatgpt/')) }));
`;

let gateway: AiTestGateway;
let project: string;
let packed: string;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  project = await mkdtemp(join(tmpdir(), 'pag-client-install-'));
  const output = await pnpm(['pack', '--pack-destination', project], CLIENT_DIR);
  const tarball = output.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  expect(tarball).toMatch(/pag-client-.*\.tgz$/);
  packed = tarball.startsWith('/') ? tarball : join(project, tarball);
}, 180_000);

afterAll(async () => {
  await gateway?.close();
  if (project != null) await rm(project, { recursive: true, force: true });
});

describe('issue 18: the packed @pag/client installs outside the workspace and streams an answer', () => {
  it('issue 18: the tarball holds the build and a manifest with public dependencies only', async () => {
    const { stdout: listing } = await run('tar', ['-tzf', packed]);
    expect(listing.split('\n').filter(Boolean).sort()).toEqual(
      expect.arrayContaining([
        'package/README.md',
        'package/dist/index.d.ts',
        'package/dist/index.js',
        'package/dist/react.d.ts',
        'package/dist/react.js',
        'package/package.json',
      ]),
    );
    expect(listing).not.toContain('package/src/');
    const { stdout: manifestText } = await run('tar', ['-xzOf', packed, 'package/package.json']);
    expect(manifestText).not.toContain('workspace:');
    const manifest = JSON.parse(manifestText) as Record<string, Record<string, unknown>>;
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toEqual(['eventsource-parser', 'oauth4webapi', 'zod']);
    expect(manifest.peerDependencies).toEqual({ react: '>=18' });
    expect(manifest.exports?.['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    // The contracts' code and types are inside the build, not imported from the workspace.
    const { stdout: built } = await run('tar', ['-xzOf', packed, 'package/dist/index.js', 'package/dist/index.d.ts']);
    expect(built).not.toContain('@pag/');
    expect(built).not.toMatch(/from ["']node:/);
    expect(built).toContain('type AiStreamEvent');
  });

  it('issue 18: npm installs the tarball into an empty project, and a script there streams from the gateway', async () => {
    const alice = await gateway.addUser({ email: 'alice@notes.test', chatgptAccount: 'alice@example.com' });
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'empty-note-app', private: true, type: 'module' }),
    );
    await run(
      'npm',
      ['install', packed, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'],
      { cwd: project, timeout: 180_000 },
    );
    await writeFile(join(project, 'stream.mjs'), STREAM_SCRIPT);
    const { stdout } = await run(process.execPath, ['stream.mjs'], {
      cwd: project,
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '', GATEWAY_URL: gateway.url, GATEWAY_KEY: alice.apiKey },
    });
    expect(JSON.parse(stdout)).toEqual({
      text: FAKE_CODEX_REPLY_TEXT,
      types: ['delta', 'done'],
      refused: { isTyped: true, status: 401, code: 'unauthenticated' },
      hasModels: true,
    });
  }, 240_000);
});
