import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_DIR } from './run-process.ts';

// Every entry point refuses a Node older than 22.19 with one line that says which Node to install, before it
// imports anything (bin/require-supported-node.mjs): the server, the CLI and `pnpm start` (scripts/start.mjs).

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const ENTRY_POINTS = [
  join(SERVER_DIR, 'bin/gateway-server.mjs'),
  join(SERVER_DIR, 'bin/gateway.mjs'),
  join(REPO_ROOT, 'scripts/start.mjs'),
];
const REFUSAL = /^gateway: Node\.js 20\.\d+\.\d+ is too old: install Node\.js 24 LTS [^\n]*\n$/;
/** Debian 12's packaged Node (20.x): the machine's own old Node, when it has one. */
const SYSTEM_NODE = '/usr/bin/node';

function systemNodeVersion(): string | null {
  if (!existsSync(SYSTEM_NODE)) return null;
  return execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
}

function run(node: string, args: string[], cwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(node, args, { cwd, env: { PATH: process.env.PATH ?? '' }, timeout: 10_000 }, (error, stdout, stderr) =>
      resolve({ code: error == null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
    );
  });
}

describe('an unsupported Node', () => {
  let workDir = '';
  afterEach(() => {
    if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
  });

  it('should stop every entry point at once with the Node to install (this Node, posing as 20.20.2)', async () => {
    workDir = mkdtempSync(join(tmpdir(), 'pag-old-node-'));
    // Runs before the entry point itself, so the check sees the old version.
    const poseAsNode20 = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.20.2"})';

    for (const entry of ENTRY_POINTS) {
      const result = await run(process.execPath, ['--import', poseAsNode20, entry, '--help'], workDir);

      expect(result).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(REFUSAL) });
    }
    // Nothing started: the server would have created ./data in its working directory.
    expect(readdirSync(workDir)).toEqual([]);
  });

  it('should stop every entry point at once on a real Node 20', async (context) => {
    const version = systemNodeVersion();
    context.skip(
      version?.startsWith('20.') !== true,
      `needs Node 20 at ${SYSTEM_NODE} (Debian 12's nodejs package); this machine has ${version ?? 'none'}`,
    );
    workDir = mkdtempSync(join(tmpdir(), 'pag-old-node-'));

    for (const entry of ENTRY_POINTS) {
      const result = await run(SYSTEM_NODE, [entry, '--help'], workDir);

      expect(result).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(REFUSAL) });
    }
    expect(readdirSync(workDir)).toEqual([]);
  });
});
