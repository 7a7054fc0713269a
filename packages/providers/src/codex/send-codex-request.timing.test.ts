import { describe } from 'vitest';
import { describeCodexRequestRetries } from './describe-codex-request-retries.ts';

// The same tests with their wall-clock bounds: `vitest.timing.config.ts` runs this file, with retries; `pnpm test`
// never does.
describe('with the wall-clock bounds', () => describeCodexRequestRetries({ timing: true }));
