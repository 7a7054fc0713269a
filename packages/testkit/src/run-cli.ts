import { parseArgs } from 'node:util';
import { CodedTypeError } from './coded-type-error.ts';
import { TEST_HOOK_PREFIX } from './define-fake.ts';
import { FAKES } from './fake-registry.ts';

export type CliOutput = { write(text: string): unknown };

export type RunCliOptions = {
  /** Arguments after the executable and script, as in `process.argv.slice(2)`. */
  argv: readonly string[];
  stdout: CliOutput;
  stderr: CliOutput;
  /** Ends `serve`: the script aborts it on SIGINT/SIGTERM, tests abort it themselves. */
  signal?: AbortSignal;
};

type AnyFake = (typeof FAKES)[number];

const USAGE = `Usage: pag-testkit <command>

Fake upstreams of the personal AI gateway, for tests, demos and benchmarks.

Commands:
  help, --help, -h            Show this message.
  serve <fake> [options]      Run a fake until interrupted; prints its base URL on the first line of stdout.

Every fake takes:
    --port <n>                Listen on 127.0.0.1:<n> instead of an ephemeral port.
Fakes that play scenarios also take:
    --scenario <name>         Queue a preset scenario (repeatable); more via POST ${TEST_HOOK_PREFIX}/scenarios.
    --default-scenario <name> What plays when the queue is empty.

Fakes:
${FAKES.map((fake) => `  ${fake.name.padEnd(28)}${fake.summary}\n${fake.cli?.usage ?? ''}`).join('')}`;

/** Resolves with the exit code: 0 for help or a served fake that stopped, 1 if it cannot start, 2 for bad usage. */
export async function runCli(options: RunCliOptions): Promise<number> {
  const [command, ...rest] = options.argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    options.stdout.write(USAGE);
    return 0;
  }
  if (command === 'serve') return serve({ ...options, argv: rest });
  return usageError(options.stderr, command == null ? 'missing command' : `unknown command ${JSON.stringify(command)}`);
}

async function serve(options: RunCliOptions): Promise<number> {
  const [fakeName, ...flags] = options.argv;
  const fake: AnyFake | undefined = FAKES.find((candidate) => candidate.name === fakeName);
  if (fake == null) {
    return usageError(
      options.stderr,
      fakeName == null ? 'serve: missing fake' : `serve: unknown fake ${JSON.stringify(fakeName)}`,
    );
  }
  let fakeOptions: Record<string, unknown>;
  try {
    fakeOptions = readFlags(fake, flags);
  } catch (error) {
    return usageError(options.stderr, `serve: ${(error as Error).message}`);
  }
  let handle: Awaited<ReturnType<AnyFake['start']>>;
  try {
    handle = await fake.start(fakeOptions as never);
  } catch (error) {
    if (error instanceof CodedTypeError) return usageError(options.stderr, `serve: ${error.message}`);
    options.stderr.write(`pag-testkit: cannot start ${fake.name}: ${(error as Error).message}\n`);
    return 1;
  }
  options.stdout.write(`${fake.cli?.printedUrl?.(handle.url) ?? handle.url}\n`);
  options.stderr.write(
    `${fake.name} fake: ${fake.cli?.banner?.(handle.url) ?? handle.url}\n` +
      `  test hooks ${handle.url}${TEST_HOOK_PREFIX}/…   Ctrl-C to stop\n`,
  );
  await waitForAbort(options.signal);
  await handle.close();
  return 0;
}

function readFlags(fake: AnyFake, flags: readonly string[]): Record<string, unknown> {
  const { values } = parseArgs({
    args: [...flags],
    options: {
      port: { type: 'string' },
      ...(fake.hasScenarios
        ? { scenario: { type: 'string', multiple: true }, 'default-scenario': { type: 'string' } }
        : {}),
      ...fake.cli?.flags,
    },
    strict: true,
    allowPositionals: false,
  });
  const {
    port: portText,
    scenario,
    'default-scenario': defaultScenario,
    ...own
  } = values as Record<string, string | boolean | Array<string | boolean> | undefined>;
  const port = portText == null ? undefined : Number(portText);
  if (port != null && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new Error('--port must be an integer from 1 to 65535');
  }
  return {
    ...(fake.cli?.toOptions?.(own) ?? {}),
    ...(port == null ? {} : { port }),
    ...(scenario == null ? {} : { scenarios: scenario }),
    ...(defaultScenario == null ? {} : { defaultScenario }),
  };
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  // Without a signal nothing can stop the fake but the process ending, which is what a bare script wants.
  if (signal == null) return new Promise<void>(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function usageError(stderr: CliOutput, problem: string): number {
  stderr.write(`pag-testkit: ${problem}\n\n${USAGE}`);
  return 2;
}
