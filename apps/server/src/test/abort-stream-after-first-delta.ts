import type { AiStreamEvent } from '@pag/contracts';
import type { AiTestGateway, AiTestUser } from './start-ai-test-gateway.ts';

/**
 * Starts a long answer the Codex fake stalls in (10 s after its first delta), aborts the SDK's stream at the first
 * delta, and returns what the client saw and when it aborted — for the tests of what the gateway does upstream then.
 */
export async function abortStreamAfterFirstDelta(
  gateway: AiTestGateway,
  user: AiTestUser,
): Promise<{ events: AiStreamEvent[]; abortedAt: number; error: unknown }> {
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
    for await (const event of user.client.stream(
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
    return { events, abortedAt, error };
  }
  return { events, abortedAt, error: null };
}
