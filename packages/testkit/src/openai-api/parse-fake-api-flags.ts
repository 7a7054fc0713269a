import { parseArgs } from 'node:util';

/** The `pag-testkit serve openai-api|gemini-api` flags, shared by both fakes. */
export type FakeApiFlags = {
  port: number | undefined;
  apiKeys: string[] | undefined;
  scenarios: string[];
  chunkCount: number | undefined;
  perChunkDelayMs: number | undefined;
};

export const FAKE_API_FLAGS_USAGE = `    --port <n>                Listen on 127.0.0.1:<n> instead of an ephemeral port.
    --api-key <key>           Accept this key instead of the default one (repeatable).
    --scenario <name>         Queue a preset scenario (repeatable); more via POST /__testkit/scenarios.
    --chunk-count <n>         Split streamed text into n deltas (default 4).
    --per-chunk-delay-ms <n>  Wait n ms before each streamed event (default 0).
`;

/** Parses the flags; a string result is the usage problem to report. */
export function parseFakeApiFlags(argv: readonly string[]): FakeApiFlags | string {
  let values: Record<string, string | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        scenario: { type: 'string', multiple: true },
        'chunk-count': { type: 'string' },
        'per-chunk-delay-ms': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return (error as Error).message;
  }
  const number = (name: string, isValid: (value: number) => boolean) => {
    const text = values[name];
    if (text == null) return undefined;
    const value = Number(text);
    return isValid(value) ? value : null;
  };
  const port = number('port', (value) => Number.isInteger(value) && value > 0 && value < 65536);
  if (port === null) return '--port must be an integer from 1 to 65535';
  const chunkCount = number('chunk-count', (value) => Number.isInteger(value) && value > 0);
  if (chunkCount === null) return '--chunk-count must be a positive integer';
  const perChunkDelayMs = number('per-chunk-delay-ms', (value) => Number.isFinite(value) && value >= 0);
  if (perChunkDelayMs === null) return '--per-chunk-delay-ms must be a number >= 0';
  return {
    port,
    apiKeys: values['api-key'] as string[] | undefined,
    scenarios: (values.scenario as string[] | undefined) ?? [],
    chunkCount,
    perChunkDelayMs,
  };
}
