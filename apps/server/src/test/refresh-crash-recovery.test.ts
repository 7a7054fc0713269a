import { describe } from 'vitest';
import { describeRefreshCrashRecovery } from './describe-refresh-crash-recovery.ts';

// The wall-clock bounds of these tests run in the tolerant timing job (refresh-crash-recovery.timing.test.ts), not here.
describe('behaviour (the wall-clock bounds are in the timing job)', () =>
  describeRefreshCrashRecovery({ timing: false }));
