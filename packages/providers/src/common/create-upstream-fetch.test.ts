import { describe } from 'vitest';
import { describeUpstreamFetchTimeouts } from './describe-upstream-fetch-timeouts.ts';

// The wall-clock bounds of these tests run in the tolerant timing job (create-upstream-fetch.timing.test.ts), not here.
describe('behaviour (the wall-clock bounds are in the timing job)', () =>
  describeUpstreamFetchTimeouts({ timing: false }));
