import { describe } from 'vitest';
import { describeUpstreamFaults } from './describe-upstream-faults.ts';

// The same tests with their wall-clock bounds: `vitest.timing.config.ts` runs this file, with retries; `pnpm test`
// never does.
describe('with the wall-clock bounds', () => describeUpstreamFaults({ timing: true }));
