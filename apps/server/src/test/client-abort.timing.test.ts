import type { AiStreamEvent } from '@pag/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 4's "within 100 ms", a bound a loaded machine can miss: `vitest.timing.config.ts` runs it with retries,
// `pnpm test` never does. That the abort reaches the upstream at all is note-app-ai.test.ts's. Since issue 18 the
// upstream outlives its client for the resume grace period (docs/note-app-api.md, "Resuming a stream"): the 100 ms
// now count from the end of that period.
let gateway: AiTestGateway;
let alice: AiTestUser;
/** Far longer than the bound below: the close must come from the client's cancel, not from the grace running out. */
const GRACE_MS = 20_000;

beforeAll(async () => {
  gateway = await startAiTestGateway({ config: { streamResumeGraceMs: GRACE_MS } });
  alice = await gateway.addUser({ email: 'alice@home.test', chatgptAccount: 'alice@example.com' });
});
afterAll(async () => {
  await gateway?.close();
});

describe('issue 4: a client that goes away', () => {
  it('issue 18: should close the upstream request within 100 ms after the client aborted (the SDK cancels the answer)', async () => {
    gateway.fakeCodex.enqueueScenarios({
      kind: 'stream',
      text: 'A long answer that takes its time to arrive, word after word.',
      deltaCount: 6,
      stall: { ms: 10_000, afterDeltas: 1 },
    });
    const controller = new AbortController();
    let abortedAt = 0;
    const events: AiStreamEvent[] = [];
    try {
      for await (const event of alice.client.stream(
        { model: 'chatgpt/gpt-5.5', content: 'Tell me a long story' },
        { signal: controller.signal },
      )) {
        events.push(event);
        if (event.type === 'delta') {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    } catch (error) {
      expect((error as Error).name).toBe('AbortError');
    }
    expect(events).toHaveLength(1);
    const exchange = await gateway.fakeCodex.waitForClose({ index: 0, timeoutMs: 2000 });
    expect(exchange.isClientAbort).toBe(true);
    const closedAfter = (exchange.closedAt ?? Number.POSITIVE_INFINITY) - abortedAt;
    expect(closedAfter).toBeLessThan(100);
  });
});
