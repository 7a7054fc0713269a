import { rm } from 'node:fs/promises';
import type { FakeCodexBackend, FakeCodexScenarioInput, FakeOpenAiAuth, RecordedRequest } from '@pag/testkit';
import {
  closeAllFakeServers,
  FAKE_CODEX_REASONING_TEXT,
  FAKE_CODEX_REPLY_TEXT,
  startFakeCodexBackend,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CodexCliRun } from './codex-cli-harness.ts';
import {
  codexExecArgs,
  createCodexHome,
  describeTraffic,
  runCodexCli,
  startEgressRecorder,
} from './codex-cli-harness.ts';

// Runs the official Codex CLI 0.169.0 binary (npm @openai/codex) against startFakeCodexBackend: the real client's
// requests must pass the fake's strict validation (docs/codex-protocol.md §8.2, §10), and the real client must accept
// the fake's streams, errors and model catalogue.

const CLI_TIMEOUT_MS = 60_000;
const RESPONSES_PATH = '/backend-api/codex/responses';

let egress: Awaited<ReturnType<typeof startEgressRecorder>>;
const homes: string[] = [];

beforeAll(async () => {
  egress = await startEgressRecorder();
});
afterEach(async () => {
  await closeAllFakeServers();
  egress.targets.length = 0;
});
afterAll(async () => {
  await egress.close();
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
});

type ExecResult = { run: CodexCliRun; auth: FakeOpenAiAuth; backend: FakeCodexBackend; accountId: string };

/** Signs in through the fake auth server, queues `scenarios` and runs `codex exec` once. */
async function execAgainstFake(options: { scenarios: FakeCodexScenarioInput[]; prompt?: string }): Promise<ExecResult> {
  const auth = await startFakeOpenAiAuth();
  const backend = await startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(auth) });
  backend.enqueueScenarios(...options.scenarios);
  const tokens = await auth.mintTokens();
  const home = await createCodexHome(tokens);
  homes.push(home);
  const run = await runCodexCli({
    args: codexExecArgs({ backend, prompt: options.prompt ?? 'Reply with one word.' }),
    codexHome: home,
    authUrl: auth.url,
    proxyUrl: egress.url,
    timeoutMs: CLI_TIMEOUT_MS,
    path: process.env.PATH ?? '/usr/bin:/bin',
  });
  console.log(`[conformance] codex exec → fake backend (exit ${run.exitCode}):\n${describeTraffic(backend.requests)}`);
  if (run.exitCode !== 0) console.log(`[conformance] codex exec stderr:\n${run.stderr}`);
  return { run, auth, backend, accountId: tokens.chatgptAccountId };
}

function modelRequestBody(request: RecordedRequest | undefined): Record<string, unknown> {
  return (request?.json ?? {}) as Record<string, unknown>;
}

describe('official Codex CLI 0.169.0 against startFakeCodexBackend', () => {
  it("should pass the fake's strict validation and print the streamed text", async () => {
    const { run, backend, accountId } = await execAgainstFake({ scenarios: ['text'] });

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(egress.targets).toEqual([]);
    expect(backend.exchanges).toHaveLength(1);
    const [exchange] = backend.exchanges;
    expect(exchange).toMatchObject({ status: 200, scenario: 'text', rejection: undefined, accountId });
    expect(exchange?.request?.headers).toMatchObject({
      authorization: expect.stringMatching(/^Bearer ey/),
      'chatgpt-account-id': accountId,
      accept: 'text/event-stream',
      'content-type': 'application/json',
      originator: 'codex_exec',
      'user-agent': expect.stringMatching(/^codex_exec\/0\.169\.0 /),
      'session-id': expect.any(String),
      'thread-id': expect.any(String),
    });
    const body = modelRequestBody(exchange?.request);
    expect(body).toMatchObject({
      model: 'gpt-5.5',
      store: false,
      stream: true,
      tool_choice: 'auto',
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: exchange?.request?.headers['thread-id'],
    });
    for (const forbidden of ['max_output_tokens', 'max_tokens', 'max_completion_tokens', 'instructions']) {
      expect(body).not.toHaveProperty(forbidden);
    }
    expect((body.input as Record<string, unknown>[])[0]).toMatchObject({ type: 'message', role: 'developer' });
    // The catalogue came from the fake (no decode error), with the version the CLI announces.
    expect(backend.findRequests({ method: 'GET', path: '/backend-api/codex/models' })[0]?.query).toEqual({
      client_version: '0.169.0',
    });
    expect(run.stderr).not.toContain('failed to decode models response');
  });

  it('should show the reasoning summary and the answer of a reasoning + text stream', async () => {
    const { run, backend } = await execAgainstFake({ scenarios: ['reasoning-text'] });

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(run.stderr).toContain(FAKE_CODEX_REASONING_TEXT.split('\n\n')[1]);
    expect(backend.exchanges).toMatchObject([{ status: 200, rejection: undefined }]);
  });

  // The fake calls a tool the CLI does not have (`get_weather`), so the CLI executes nothing: it answers the call
  // with "unsupported call" and asks again. That follow-up replays reasoning, call and output with their ids (§10),
  // which must pass the fake's item checks.
  it('should answer a function call and replay reasoning, call and output with ids that pass validation', async () => {
    const { run, backend } = await execAgainstFake({
      scenarios: [
        {
          kind: 'stream',
          reasoning: 'Look up the weather.',
          functionCalls: [{ name: 'get_weather', arguments: { city: 'Paris' }, callId: 'call_fake_weather' }],
        },
        'text',
      ],
      prompt: 'What is the weather in Paris?',
    });

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(backend.exchanges.map((exchange) => [exchange.status, exchange.rejection])).toEqual([
      [200, undefined],
      [200, undefined],
    ]);
    const replayed = (modelRequestBody(backend.exchanges[1]?.request).input as Record<string, unknown>[]).slice(-3);
    expect(replayed).toEqual([
      {
        type: 'reasoning',
        id: expect.stringMatching(/^rs_/),
        summary: [{ type: 'summary_text', text: 'Look up the weather.' }],
        content: null,
        encrypted_content: expect.stringMatching(/^gAAAAAB/),
      },
      {
        type: 'function_call',
        status: 'completed',
        id: expect.stringMatching(/^fc_/),
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
        call_id: 'call_fake_weather',
      },
      {
        type: 'function_call_output',
        id: expect.stringMatching(/^fco_/),
        call_id: 'call_fake_weather',
        output: 'unsupported call: get_weather',
      },
    ]);
  });

  it('should stop at once on usage_limit_reached and tell the user when it resets', async () => {
    const { run, backend } = await execAgainstFake({ scenarios: [{ kind: 'usage-limit', resetsInSeconds: 3600 }] });

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('You’ve hit your usage limit.');
    expect(run.stderr).toMatch(/try again at /);
    expect(backend.findRequests({ path: RESPONSES_PATH })).toHaveLength(1);
  });

  it('should report response.incomplete as an incomplete response', async () => {
    const { run } = await execAgainstFake({ scenarios: ['incomplete'] });

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('Incomplete response returned, reason: max_output_tokens');
  });

  it('should wait the delay named in a failed rate_limit_exceeded, then retry', async () => {
    const { run, backend } = await execAgainstFake({
      scenarios: [
        {
          kind: 'stream',
          ending: {
            kind: 'failed',
            error: {
              code: 'rate_limit_exceeded',
              message: 'Rate limit reached for requests. Please try again in 0.4s.',
            },
          },
        },
        'text',
      ],
    });

    const [first, second] = backend.findRequests({ path: RESPONSES_PATH });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(FAKE_CODEX_REPLY_TEXT);
    expect((second?.timestamp ?? 0) - (first?.timestamp ?? 0)).toBeGreaterThanOrEqual(400);
  });

  it('should retry after a mid-stream disconnect and print the retried answer', async () => {
    const { run, backend } = await execAgainstFake({ scenarios: ['disconnect', 'text'] });

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(run.stderr).toMatch(/stream disconnected|Reconnecting/);
    expect(backend.exchanges.map((exchange) => [exchange.scenario, exchange.isClientAbort])).toEqual([
      ['disconnect', false],
      ['text', false],
    ]);
  });
});
