import { describe } from 'vitest';
import { describeCodexRequestRetries } from './describe-codex-request-retries.ts';

// The wall-clock bounds of these tests run in the tolerant timing job (send-codex-request.timing.test.ts), not here.
describe('behaviour (the wall-clock bounds are in the timing job)', () =>
  describeCodexRequestRetries({ timing: false }));
