import { invalidValue } from './coded-type-error.ts';
import type { FakeCli } from './define-fake.ts';

type ModelApiOptions = { apiKeys?: readonly string[]; chunkCount?: number; perChunkDelayMs?: number };

/** The flags both model API fakes take (`pag-testkit serve openai-api|gemini-api`), besides the common ones. */
export function createModelApiCli<Options extends ModelApiOptions>(
  output: Pick<FakeCli<Options>, 'printedUrl' | 'banner'>,
): FakeCli<Options> {
  return {
    usage:
      '    --api-key <key>           Accept this key instead of the default one (repeatable).\n' +
      '    --chunk-count <n>         Split streamed text into n deltas (default 4).\n' +
      '    --per-chunk-delay-ms <n>  Wait n ms before each streamed event (default 0).\n',
    flags: {
      'api-key': { type: 'string', multiple: true },
      'chunk-count': { type: 'string' },
      'per-chunk-delay-ms': { type: 'string' },
    },
    toOptions: (values) => {
      const chunkCount = readNumber(values['chunk-count'], (value) => Number.isInteger(value) && value > 0);
      if (chunkCount === null) throw invalidValue('--chunk-count must be a positive integer');
      const perChunkDelayMs = readNumber(values['per-chunk-delay-ms'], (value) => Number.isFinite(value) && value >= 0);
      if (perChunkDelayMs === null) throw invalidValue('--per-chunk-delay-ms must be a number >= 0');
      const apiKeys = values['api-key'] as string[] | undefined;
      return { apiKeys, chunkCount, perChunkDelayMs } as Partial<Options>;
    },
    ...output,
  };
}

/** The flag's number; undefined when absent, null when invalid. */
function readNumber(text: unknown, isValid: (value: number) => boolean): number | undefined | null {
  if (text == null) return undefined;
  return isValid(Number(text)) ? Number(text) : null;
}
