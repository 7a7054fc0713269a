import { describe } from 'vitest';
import { describeUpstreamFaults } from './describe-upstream-faults.ts';

// The wall-clock bounds of these tests run in the tolerant timing job (upstream-faults.timing.test.ts), not here.
describe('behaviour (the wall-clock bounds are in the timing job)', () => describeUpstreamFaults({ timing: false }));
