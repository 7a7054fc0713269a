import type { AiStreamEvent } from '@pag/contracts';
import type { UsageTracker } from '../usage/usage-tracker.ts';

/**
 * A note-app stream's events as they run into the stream store, read on the way for the request's ledger row: the
 * first text, the `done` event's usage, an `error` event's code. The row is finished when the answer ends, not when
 * its first response does: a stream outlives the response that started it (resumes read the same answer). An answer
 * the store stops early — nobody read it within the grace period, or its owner pressed Stop — is the client leaving
 * (499). Passes every event through untouched.
 */
export async function* trackNoteAppUsage(
  events: AsyncIterable<AiStreamEvent>,
  usage: UsageTracker | null,
): AsyncGenerator<AiStreamEvent> {
  if (usage == null) {
    yield* events;
    return;
  }
  let status = 499;
  try {
    for await (const event of events) {
      if (event.type === 'delta' || event.type === 'reasoning') usage.firstOutput();
      else if (event.type === 'done') {
        usage.tokens(event.usage);
        status = 200;
      } else if (event.type === 'error') {
        // The status was sent with the first byte: the failure is in the row's error code.
        usage.fail(event.code);
        status = 200;
      }
      yield event;
    }
  } finally {
    usage.finish(status);
  }
}
