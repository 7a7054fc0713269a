import { parseArgs } from 'node:util';
import { startFakeOpenAiAuth } from './openai-auth/start-fake-openai-auth.ts';

export type CliOutput = { write(text: string): unknown };

export type RunCliOptions = {
  /** Arguments after the executable and script, as in `process.argv.slice(2)`. */
  argv: readonly string[];
  stdout: CliOutput;
  stderr: CliOutput;
  /** Ends `serve`: the script aborts it on SIGINT/SIGTERM, tests abort it themselves. */
  signal?: AbortSignal;
};

const USAGE = `Usage: pag-testkit <command>

Fake upstreams of the personal AI gateway, for tests, demos and benchmarks.

Commands:
  help, --help, -h            Show this message.
  serve <fake> [options]      Run a fake until interrupted; prints its base URL on the first line of stdout.

Fakes:
  openai-auth                 auth.openai.com for the Codex client (PKCE login, device login, refresh, revoke).
    --port <n>                Listen on 127.0.0.1:<n> instead of an ephemeral port.
    --auto-approve            Authorize redirects at once for the first account, without a consent page.
`;

/**
 * Runs the CLI and resolves with the exit code: 0 for help or after a served fake stops, 1 when a fake cannot start,
 * 2 for a missing or unknown command or option.
 */
export async function runCli(options: RunCliOptions): Promise<number> {
  const [command, ...rest] = options.argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    options.stdout.write(USAGE);
    return 0;
  }
  if (command === 'serve') return serve({ ...options, argv: rest });
  const problem = command == null ? 'missing command' : `unknown command ${JSON.stringify(command)}`;
  return usageError({ stderr: options.stderr, problem });
}

async function serve(options: RunCliOptions): Promise<number> {
  const [fakeName, ...flags] = options.argv;
  if (fakeName !== 'openai-auth') {
    const problem = fakeName == null ? 'serve: missing fake' : `serve: unknown fake ${JSON.stringify(fakeName)}`;
    return usageError({ stderr: options.stderr, problem });
  }
  let values: { port?: string; 'auto-approve'?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...flags],
      options: { port: { type: 'string' }, 'auto-approve': { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usageError({ stderr: options.stderr, problem: `serve: ${(error as Error).message}` });
  }
  const port = values.port == null ? undefined : Number(values.port);
  if (port != null && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    return usageError({ stderr: options.stderr, problem: `serve: --port must be an integer from 1 to 65535` });
  }

  let fake: Awaited<ReturnType<typeof startFakeOpenAiAuth>>;
  try {
    fake = await startFakeOpenAiAuth({
      ...(port == null ? {} : { port }),
      ...(values['auto-approve'] === true ? { autoApprove: true } : {}),
    });
  } catch (error) {
    options.stderr.write(`pag-testkit: cannot start openai-auth: ${(error as Error).message}\n`);
    return 1;
  }
  options.stdout.write(`${fake.url}\n`);
  options.stderr.write(
    `openai-auth fake: client_id ${fake.clientId}, account ${fake.accounts[0]?.email ?? 'none'}\n` +
      `  authorize ${fake.url}/oauth/authorize   device page ${fake.url}/codex/device\n` +
      `  test hooks ${fake.url}/__testkit/…   Ctrl-C to stop\n`,
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

function usageError(options: { stderr: CliOutput; problem: string }): number {
  options.stderr.write(`pag-testkit: ${options.problem}\n\n${USAGE}`);
  return 2;
}
