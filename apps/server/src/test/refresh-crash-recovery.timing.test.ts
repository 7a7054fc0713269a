import { describe } from 'vitest';
import { describeRefreshCrashRecovery } from './describe-refresh-crash-recovery.ts';

// The same tests with their wall-clock bounds: `vitest.timing.config.ts` runs this file, with retries; `pnpm test`
// never does.
describe('with the wall-clock bounds', () => describeRefreshCrashRecovery({ timing: true }));
