import { describe } from 'vitest';
import { describeUpstreamFetchTimeouts } from './describe-upstream-fetch-timeouts.ts';

// The same tests with their wall-clock bounds: `vitest.timing.config.ts` runs this file, with retries; `pnpm test`
// never does.
describe('with the wall-clock bounds', () => describeUpstreamFetchTimeouts({ timing: true }));
