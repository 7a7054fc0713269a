import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '@pag/server/src/test/start-ai-test-gateway.ts';
import { FAKE_CODEX_REPLY_TEXT, type FakeCodexScenarioInput } from '@pag/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_CODE_VERSION, type ClaudeCodeRun, runClaudeCode } from './claude-code-cli-harness.ts';
import { startEgressRecorder } from './codex-cli-harness.ts';

// The official Claude Code CLI as a client of the gateway's /v1/messages (docs/claude-code.md): a gateway key as
// ANTHROPIC_AUTH_TOKEN, the model names it hard-codes (`claude-sonnet-…`) mapped by the user's aliases to a
// subscription model, answered by the (fake) ChatGPT backend. Proves a real Anthropic client accepts the gateway's
// event stream, runs a tool the model asked for, and sends the result back in the next request.

const CLI_TIMEOUT_MS = 90_000;
const CODEX_RESPONSES_PATH = '/backend-api/codex/responses';
const ALIASES = [
  { pattern: 'claude-sonnet-*', target: 'chatgpt/gpt-5.5' },
  { pattern: 'claude-opus-*', target: 'chatgpt/gpt-5.5' },
  { pattern: 'claude-haiku-*', target: 'chatgpt/gpt-5.4-mini' },
];

let gateway: AiTestGateway;
let egress: Awaited<ReturnType<typeof startEgressRecorder>>;
const homes: string[] = [];

beforeAll(async () => {
  gateway = await startAiTestGateway();
  egress = await startEgressRecorder();
});
afterEach(() => {
  // Claude Code must reach nothing but the gateway: no telemetry, update check or call home (docs/claude-code.md §3).
  expect(egress.targets).toEqual([]);
});
afterAll(async () => {
  await gateway?.close();
  await egress?.close();
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
});

/** A user on the alice subscription with the Claude Code aliases saved through the settings API. */
async function addClaudeCodeUser(email: string, chatgptAccount: string): Promise<AiTestUser> {
  const user = await gateway.addUser({ email, chatgptAccount });
  const response = await gateway.sessionRequest(user, 'PUT', '/api/model-aliases', { aliases: ALIASES });
  if (response.status !== 200)
    throw new Error(`saving the aliases failed: ${response.status} ${await response.text()}`);
  return user;
}

/** A throwaway HOME and working directory for one run. */
async function createHome(): Promise<string> {
  const home = await mkdtemp(path.join(tmpdir(), 'pag-claude-code-home-'));
  homes.push(home);
  return home;
}

async function runPrompt(options: {
  user: AiTestUser;
  home: string;
  prompt: string;
  scenarios: FakeCodexScenarioInput[];
}): Promise<{ run: ClaudeCodeRun; codexBefore: number; calls: string[] }> {
  const codexBefore = gateway.fakeCodex.exchanges.length;
  const v1Before = v1Calls().length;
  gateway.fakeCodex.enqueueScenarios(...options.scenarios);
  const run = await runClaudeCode({
    // `sonnet` is Claude Code's own alias; it sends a full `claude-sonnet-…` id, which the user's alias maps.
    args: ['-p', options.prompt, '--model', 'sonnet', '--output-format', 'text'],
    baseUrl: gateway.url,
    authToken: options.user.apiKey,
    home: options.home,
    proxyUrl: egress.url,
    timeoutMs: CLI_TIMEOUT_MS,
    path: process.env.PATH ?? '/usr/bin:/bin',
  });
  const calls = v1Calls().slice(v1Before);
  console.log(`[conformance] claude -p → gateway (exit ${run.exitCode}, ${run.ms} ms): ${calls.join(', ')}`);
  if (run.exitCode !== 0) console.log(`[conformance] claude stdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return { run, codexBefore, calls };
}

/** The gateway's access lines for /v1 requests so far, as `route → status`. */
function v1Calls(): string[] {
  return gateway.test.logs
    .map((line) => JSON.parse(line) as { msg: string; access?: Record<string, unknown> })
    .filter((line) => line.msg === 'v1 request')
    .map((line) => `${String(line.access?.route)} → ${String(line.access?.status)}`);
}

function codexRequestsSince(index: number): Record<string, unknown>[] {
  return gateway.fakeCodex.exchanges
    .slice(index)
    .filter((exchange) => exchange.request?.path === CODEX_RESPONSES_PATH)
    .map((exchange) => (exchange.request?.json ?? {}) as Record<string, unknown>);
}

describe(`official Claude Code CLI ${CLAUDE_CODE_VERSION} through the gateway /v1/messages`, () => {
  it('issue 20: should answer `claude -p` from the subscription, the sonnet name mapped by the user’s alias', async () => {
    const user = await addClaudeCodeUser('claude-code@home.test', 'alice@example.com');
    const { run, codexBefore, calls } = await runPrompt({
      user,
      home: await createHome(),
      prompt: 'Say hello.',
      scenarios: ['text'],
    });

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(FAKE_CODEX_REPLY_TEXT);
    // One model request and nothing else: no count_tokens, no model list, no retries.
    expect(calls).toEqual(['POST /v1/messages → 200']);
    const exchanges = gateway.fakeCodex.exchanges.slice(codexBefore);
    expect(exchanges.map((exchange) => [exchange.status, exchange.rejection])).toEqual([[200, undefined]]);
    expect(exchanges[0]?.accountId).toBe(
      gateway.fakeAuth.accounts.find((account) => account.email === 'alice@example.com')?.chatgptAccountId,
    );
    expect(codexRequestsSince(codexBefore)[0]).toMatchObject({ model: 'gpt-5.5', stream: true, store: false });
  });

  it('issue 20: should run the Read tool the model calls and send its result back to the model', async () => {
    const user = await addClaudeCodeUser('claude-code-tool@home.test', 'bob@example.com');
    const secret = 'The pelican keeps the key under the third stone.';
    const home = await createHome();
    // In the CLI's working directory, where -p may read without asking for permission.
    const notePath = path.join(home, 'note.txt');
    await writeFile(notePath, `${secret}\n`);
    const { run, codexBefore, calls } = await runPrompt({
      user,
      home,
      prompt: 'What does note.txt say?',
      scenarios: [
        {
          kind: 'stream',
          functionCalls: [{ name: 'Read', arguments: { file_path: notePath }, callId: 'call_cc_read' }],
        },
        'text',
      ],
    });

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(calls).toEqual(['POST /v1/messages → 200', 'POST /v1/messages → 200']);
    const [first, second, ...rest] = codexRequestsSince(codexBefore);
    expect(rest).toEqual([]);
    // Claude Code's tools reached the model as function tools, Read among them.
    expect(((first?.tools ?? []) as { name?: string }[]).map((tool) => tool.name)).toContain('Read');
    // The next request carries the call and the file's text as its output, under the call's own id.
    const input = (second?.input ?? []) as Record<string, unknown>[];
    expect(input).toContainEqual(
      expect.objectContaining({ type: 'function_call', call_id: 'call_cc_read', name: 'Read' }),
    );
    const output = input.find((item) => item.type === 'function_call_output');
    expect(output).toMatchObject({ call_id: 'call_cc_read' });
    expect(JSON.stringify(output?.output)).toContain(secret);
  });
});
