import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AiTestGateway, startAiTestGateway } from '@pag/server/src/test/start-ai-test-gateway.ts';
import { FAKE_CODEX_REPLY_TEXT } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCodexCli, startEgressRecorder } from './codex-cli-harness.ts';

// The official Codex CLI as a CLIENT of the gateway: a custom model provider pointing at the gateway's
// /v1/responses with a gateway API key (`env_key`), the gateway relaying to the (fake) ChatGPT backend with the
// user's subscription. Proves a real Responses client accepts the relayed event stream.

const CLI_TIMEOUT_MS = 60_000;
let gateway: AiTestGateway;
let egress: Awaited<ReturnType<typeof startEgressRecorder>>;
let home: string;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  egress = await startEgressRecorder();
  home = await mkdtemp(path.join(tmpdir(), 'pag-codex-gateway-home-'));
});
afterAll(async () => {
  await gateway?.close();
  await egress?.close();
  await rm(home, { recursive: true, force: true });
});

function runCodexExec(apiKey: string) {
  return runCodexCli({
    args: [
      'exec',
      '--strict-config',
      '--skip-git-repo-check',
      '--ephemeral',
      '--disable',
      'apps',
      '--disable',
      'plugins',
      '--disable',
      'remote_plugin',
      '-c',
      `model_providers.gateway={name="gateway",base_url="${gateway.url}/v1",wire_api="responses",env_key="PAG_GATEWAY_KEY"}`,
      '-c',
      'model_provider="gateway"',
      '-c',
      'model="gpt-5.5"',
      '-c',
      'check_for_update_on_startup=false',
      '-c',
      'analytics.enabled=false',
      'Reply with one word.',
    ],
    codexHome: home,
    authUrl: gateway.fakeAuth.url,
    proxyUrl: egress.url,
    timeoutMs: CLI_TIMEOUT_MS,
    path: process.env.PATH ?? '/usr/bin:/bin',
    extraEnv: { PAG_GATEWAY_KEY: apiKey },
  });
}

/** The gateway's access lines for /v1 requests so far, as `route → status`. */
function v1Calls(): string[] {
  return gateway.test.logs
    .map((line) => JSON.parse(line) as { msg: string; access?: Record<string, unknown> })
    .filter((line) => line.msg === 'v1 request')
    .map((line) => `${String(line.access?.route)} → ${String(line.access?.status)}`);
}

describe('official Codex CLI 0.169.0 through the gateway /v1/responses', () => {
  it('should complete a turn with a gateway API key, answered from the subscription', async () => {
    const user = await gateway.addUser({ email: 'codex-cli@home.test', chatgptAccount: 'alice@example.com' });
    const run = await runCodexExec(user.apiKey);
    const calls = v1Calls();
    console.log(`[conformance] codex exec → gateway (exit ${run.exitCode}): ${calls.join(', ')}`);
    if (run.exitCode !== 0) console.log(`[conformance] codex exec stderr:\n${run.stderr}`);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(FAKE_CODEX_REPLY_TEXT);
    const exchange = gateway.fakeCodex.exchanges.at(-1);
    expect(exchange?.status).toBe(200);
    expect(exchange?.accountId).toBe(
      gateway.fakeAuth.accounts.find((a) => a.email === 'alice@example.com')?.chatgptAccountId,
    );
    expect(((exchange?.request?.json ?? {}) as Record<string, unknown>).store).toBe(false);
  });

  it('issue 16: should take the relay’s response.failed after an upstream cut as retryable, and retry', async () => {
    const user = await gateway.addUser({ email: 'codex-cli-cut@home.test', chatgptAccount: 'bob@example.com' });
    const before = v1Calls().length;
    // The first answer breaks off after one delta; the retry gets the whole answer.
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: FAKE_CODEX_REPLY_TEXT,
      ending: { kind: 'disconnect', afterDeltas: 1 },
    });
    const run = await runCodexExec(user.apiKey);
    const calls = v1Calls().slice(before);
    console.log(`[conformance] codex exec after a cut (exit ${run.exitCode}): ${calls.join(', ')}`);
    if (run.exitCode !== 0) console.log(`[conformance] codex exec stderr:\n${run.stderr}`);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(FAKE_CODEX_REPLY_TEXT);
    expect(calls.filter((call) => call.includes('/v1/responses')).length).toBeGreaterThanOrEqual(2);
    // The CLI retried on the gateway's response.failed (its reason is ours), not on a stream that merely ended.
    expect(run.stderr).toMatch(/retrying sampling request[^\n]*broke off in the middle of its answer/);
  });
});
