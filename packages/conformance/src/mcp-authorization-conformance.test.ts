import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsentingBrowser } from '@pag/server/src/test/consenting-browser.ts';
import { type AiTestGateway, startAiTestGateway } from '@pag/server/src/test/start-ai-test-gateway.ts';
import { findFreeLoopbackPort } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The official MCP conformance suite (npm @modelcontextprotocol/conformance, pinned alpha) against the gateway's
// authorization server: `conformance authorization` checks the discovery document, then runs a real authorization
// code grant (PKCE S256, state, resource, iss, token response). Its browser leg — open the printed URL, sign in,
// approve — is done headlessly by a signed-in gateway user (ConsentingBrowser); the CLI's own callback server then
// receives the redirect and redeems the code. The CLI runs on the same Node as everything else (it needs 22 or
// later, which the project requires anyway).

const PACKAGE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const CONFORMANCE_DIR = path.join(PACKAGE_DIR, 'node_modules', '@modelcontextprotocol', 'conformance');
const AUTHORIZE_URL_WAIT_MS = 20_000;
const CLI_EXIT_WAIT_MS = 20_000;
/** The suite's authorization-server scenarios (`conformance list --authorization`). */
const SCENARIOS = ['authorization-server-metadata-endpoint', 'authorization-code-grant'] as const;

type Check = {
  id: string;
  name: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  errorMessage?: string;
};

let gateway: AiTestGateway;
let outputDir: string;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  outputDir = await mkdtemp(path.join(tmpdir(), 'pag-mcp-conformance-'));
});
afterAll(async () => {
  await gateway?.close();
  if (outputDir != null) await rm(outputDir, { recursive: true, force: true });
});

/** The CLI entry from the package's own `bin` field. */
async function conformanceEntry(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(CONFORMANCE_DIR, 'package.json'), 'utf8')) as {
    bin: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.conformance;
  if (bin == null) throw new Error('@modelcontextprotocol/conformance declares no `conformance` bin');
  return path.join(CONFORMANCE_DIR, bin);
}

/** Resolves with the first stdout line that satisfies `match`; rejects when the CLI exits first or time runs out. */
function waitForLine(
  child: ChildProcessWithoutNullStreams,
  output: { stdout: string },
  match: (line: string) => boolean,
) {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no matching line within ${AUTHORIZE_URL_WAIT_MS} ms`)),
      AUTHORIZE_URL_WAIT_MS,
    );
    const onData = () => {
      const line = output.stdout.split('\n').find((candidate) => match(candidate.trim()));
      if (line != null) finish(null, line.trim());
    };
    const onExit = (code: number | null) => finish(new Error(`the CLI exited (${code}) before printing the line`));
    const finish = (error: Error | null, line?: string) => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      if (error != null) reject(error);
      else resolve(line ?? '');
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
}

function waitForExit(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode != null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${CLI_EXIT_WAIT_MS} ms`));
    }, CLI_EXIT_WAIT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/**
 * Every scenario's checks from `--output-dir`: the CLI writes `authorization-server-<scenario>-<timestamp>/checks.json`
 * per scenario (check ids differ from scenario names, so results are grouped by scenario).
 */
async function readChecksByScenario(directory: string, scenarios: readonly string[]): Promise<Map<string, Check[]>> {
  const byScenario = new Map<string, Check[]>();
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const scenario = scenarios.find((name) => entry.name.startsWith(`authorization-server-${name}-`));
    const file = path.join(directory, entry.name, 'checks.json');
    if (!entry.isDirectory() || scenario == null || !existsSync(file)) continue;
    byScenario.set(scenario, [
      ...(byScenario.get(scenario) ?? []),
      ...(JSON.parse(await readFile(file, 'utf8')) as Check[]),
    ]);
  }
  return byScenario;
}

describe('issue 8: @modelcontextprotocol/conformance 0.2.0-alpha.12 `authorization` against the gateway', () => {
  it('passes the metadata and authorization-code-grant scenarios, driven headlessly', { timeout: 60_000 }, async () => {
    const issuer = `${gateway.url}/oauth`;
    const resource = `${gateway.url}/mcp`;
    const user = await gateway.addUser({ email: 'conformance@home.test', chatgptAccount: 'alice@example.com' });
    const port = await findFreeLoopbackPort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;

    // A public client, as the suite expects: it authenticates with `none` whenever the metadata lists it.
    const registration = await fetch(`${issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'MCP conformance suite',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }),
    });
    expect(registration.status).toBe(201);
    const client = (await registration.json()) as { client_id: string; client_secret?: string };
    expect(client.client_secret).toBeUndefined();

    const child = spawn(
      process.execPath,
      [
        await conformanceEntry(),
        'authorization',
        '--url',
        issuer,
        '--client-id',
        client.client_id,
        '--resource',
        resource,
        '--port',
        String(port),
        '--output-dir',
        outputDir,
      ],
      {
        cwd: outputDir,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: outputDir, NO_COLOR: '1' },
      },
    );
    const output = { stdout: '', stderr: '' };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
    const exited = waitForExit(child);
    exited.catch(() => {});

    let exitCode: number | null;
    try {
      const authorizeUrl = await waitForLine(child, output, (line) => line.startsWith(`${issuer}/authorize?`));
      const { callbackUrl, view } = await new ConsentingBrowser(user.session).authorize(authorizeUrl);
      expect(view?.clientId).toBe(client.client_id);
      expect(view?.resource).toBe(resource);
      expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(redirectUri);
      // The CLI's callback server takes the redirect like a browser would deliver it, then redeems the code.
      const delivered = await fetch(callbackUrl, { signal: AbortSignal.timeout(10_000) });
      expect(delivered.status).toBe(200);
      await delivered.text();
      exitCode = await exited;
    } catch (error) {
      child.kill('SIGKILL');
      console.error(`[conformance] CLI stdout:\n${output.stdout}\nCLI stderr:\n${output.stderr}`);
      throw error;
    }

    const summary = output.stdout.slice(output.stdout.indexOf('=== SUMMARY ==='));
    console.warn(`[conformance] conformance authorization (exit ${exitCode}):\n${summary.trim()}`);
    if (exitCode !== 0) console.error(`[conformance] CLI stdout:\n${output.stdout}\nCLI stderr:\n${output.stderr}`);
    expect(exitCode).toBe(0);

    const results = await readChecksByScenario(outputDir, SCENARIOS);
    const statuses = (scenario: string) =>
      (results.get(scenario) ?? []).map((check) => `${check.id}: ${check.status}`).sort();
    // We do not advertise Client ID Metadata Documents (that would break Claude), so that check only warns.
    expect(statuses('authorization-server-metadata-endpoint')).toEqual([
      'authorization-server-metadata-cimd: WARNING',
      'authorization-server-metadata: SUCCESS',
    ]);
    expect(statuses('authorization-code-grant')).toEqual(['authorization-code-grant: SUCCESS']);
    expect(summary).toContain('✓ authorization-server-metadata-endpoint: 1 passed, 0 failed');
    expect(summary).toContain('✓ authorization-code-grant: 1 passed, 0 failed');
  });
});
