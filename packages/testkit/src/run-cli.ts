export type CliOutput = { write(text: string): unknown };

export type RunCliOptions = {
  /** Arguments after the executable and script, as in `process.argv.slice(2)`. */
  argv: readonly string[];
  stdout: CliOutput;
  stderr: CliOutput;
};

const USAGE = `Usage: pag-testkit <command>

Fake upstreams of the personal AI gateway, for tests, demos and benchmarks.

Commands:
  help, --help, -h   Show this message.

Fakes: none yet. \`pag-testkit serve <fake>\` arrives with the first one.
`;

/** Runs the CLI and returns the exit code: 0 for help, 2 for a missing or unknown command. */
export function runCli(options: RunCliOptions): number {
  const [command] = options.argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    options.stdout.write(USAGE);
    return 0;
  }
  const problem = command == null ? 'missing command' : `unknown command ${JSON.stringify(command)}`;
  options.stderr.write(`pag-testkit: ${problem}\n\n${USAGE}`);
  return 2;
}
