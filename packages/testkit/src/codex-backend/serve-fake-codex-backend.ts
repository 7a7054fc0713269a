import { parseArgs } from 'node:util';
import type { FakeCodexScenarioName } from './fake-codex-scenario.ts';
import { FAKE_CODEX_SCENARIOS } from './fake-codex-scenario.ts';
import { CODEX_TEST_HOOK_PREFIX } from './register-codex-test-hook-routes.ts';
import type { FakeCodexBackend } from './start-fake-codex-backend.ts';
import { startFakeCodexBackend } from './start-fake-codex-backend.ts';
import { verifyWithFakeOpenAiAuth } from './verify-with-fake-openai-auth.ts';

export type ServeFakeCodexBackendOptions = {
  /** The arguments after `serve codex-backend`. */
  argv: readonly string[];
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Stops the fake; without one it runs until the process ends. */
  signal?: AbortSignal | undefined;
};

/** The `codex-backend` part of `pag-testkit --help`. */
export const CODEX_BACKEND_CLI_USAGE = `  codex-backend               chatgpt.com/backend-api for Codex (strict /codex/responses SSE, /codex/models).
    --port <n>                Listen on 127.0.0.1:<n> instead of an ephemeral port.
    --auth-url <url>          Accept only tokens of the openai-auth fake at <url> (default: any unexpired JWT).
    --scenario <name>         Default scenario (default text); queue more via POST /__testkit/scenarios.
`;

/**
 * `pag-testkit serve codex-backend`: prints the fake's URL first, then resolves with the exit code once the signal
 * aborts (0) or the fake cannot start (1), or with `{ usageProblem }` for the CLI to print with its usage (exit 2).
 */
export async function serveFakeCodexBackend(
  options: ServeFakeCodexBackendOptions,
): Promise<number | { usageProblem: string }> {
  let values: { port?: string; 'auth-url'?: string; scenario?: string };
  try {
    ({ values } = parseArgs({
      args: [...options.argv],
      options: { port: { type: 'string' }, 'auth-url': { type: 'string' }, scenario: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { usageProblem: `serve: ${(error as Error).message}` };
  }
  const port = values.port == null ? undefined : Number(values.port);
  if (port != null && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    return { usageProblem: 'serve: --port must be an integer from 1 to 65535' };
  }
  const authUrl = values['auth-url'];
  if (authUrl != null && !/^https?:\/\/[^/]+$/.test(authUrl)) {
    return { usageProblem: 'serve: --auth-url must be an http(s) origin without a path, like http://127.0.0.1:1455' };
  }
  const scenario = values.scenario;
  if (scenario != null && !Object.hasOwn(FAKE_CODEX_SCENARIOS, scenario)) {
    return { usageProblem: `serve: --scenario must be one of ${Object.keys(FAKE_CODEX_SCENARIOS).join(', ')}` };
  }

  let fake: FakeCodexBackend;
  try {
    fake = await startFakeCodexBackend({
      ...(port == null ? {} : { port }),
      ...(authUrl == null ? {} : { verifyAccessToken: verifyWithFakeOpenAiAuth({ url: authUrl }) }),
      ...(scenario == null ? {} : { defaultScenario: scenario as FakeCodexScenarioName }),
    });
  } catch (error) {
    options.stderr.write(`pag-testkit: cannot start codex-backend: ${(error as Error).message}\n`);
    return 1;
  }
  options.stdout.write(`${fake.url}\n`);
  options.stderr.write(
    `codex-backend fake: base URL ${fake.baseUrl}, model requests ${fake.codexBaseUrl}/responses\n` +
      `  tokens: ${authUrl == null ? 'any unexpired JWT with an account id' : `issued by ${authUrl}`}` +
      `   default scenario: ${scenario ?? 'text'}\n` +
      `  test hooks ${fake.url}${CODEX_TEST_HOOK_PREFIX}/…   Ctrl-C to stop\n`,
  );
  await waitForAbort(options.signal);
  await fake.close();
  return 0;
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  // Without a signal nothing can stop the fake but the process ending, which is what a bare script wants.
  if (signal == null) return new Promise<void>(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
