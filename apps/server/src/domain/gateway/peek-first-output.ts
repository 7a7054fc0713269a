import type { LanguageModelV3StreamPart, SharedV3Warning } from '@pag/providers';

type Part = LanguageModelV3StreamPart;

/** Parts that mean something reached (or is about to reach) the client: after one of them, no failover. */
const OUTPUT_PART_TYPES = new Set<Part['type']>([
  'text-delta',
  'reasoning-delta',
  'tool-input-start',
  'tool-input-delta',
  'tool-call',
  'file',
  'source',
  'finish',
]);

/**
 * Reads a provider stream up to its first output part. An error before that point — a rejected stream or an
 * `error` part, e.g. a usage limit reported inside a 200 stream — is thrown, so the router can still fail over or
 * pick the HTTP status (docs/architecture.md §3.6). Otherwise returns an async iterable that replays what was read and
 * continues with the rest, showing each part to `observe` (the token metrics) as it is handed on; leaving it early
 * cancels the upstream stream.
 *
 * The iterable is a plain iterator over the stream's reader, not an async generator: every part of every translated
 * answer passes here, and a generator's extra promise and resumption per part — twice, with the token counting as a
 * generator of its own around it — was a visible part of a translated request's own time (issue 22 profile).
 */
export async function peekFirstOutput(
  stream: ReadableStream<Part>,
  observe?: (part: Part) => void,
): Promise<{ parts: AsyncIterable<Part>; warnings: SharedV3Warning[] }> {
  const reader = stream.getReader();
  const buffered: Part[] = [];
  let isDone = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        isDone = true;
        break;
      }
      if (value.type === 'error') throw value.error;
      buffered.push(value);
      if (OUTPUT_PART_TYPES.has(value.type)) break;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  // The provider's warnings (settings it dropped) come in `stream-start`, before any output: known before headers.
  const warnings = buffered.flatMap((part) => (part.type === 'stream-start' ? part.warnings : []));
  let replayed = 0;
  let isFinished = isDone;
  let isReleased = false;
  const release = async (cancel: boolean) => {
    if (isReleased) return;
    isReleased = true;
    if (cancel) await reader.cancel().catch(() => {});
    reader.releaseLock();
  };
  const handOn = (part: Part): IteratorResult<Part> => {
    observe?.(part);
    return { done: false, value: part };
  };
  const iterator: AsyncIterator<Part> = {
    async next() {
      if (replayed < buffered.length) return handOn(buffered[replayed++] as Part);
      if (isFinished) {
        await release(false);
        return { done: true, value: undefined };
      }
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (error) {
        await release(true);
        throw error;
      }
      if (result.done) {
        isFinished = true;
        await release(false);
        return { done: true, value: undefined };
      }
      return handOn(result.value);
    },
    // Leaving early (a `break`, a throw in the loop): the upstream stream is cancelled.
    async return() {
      await release(!isFinished);
      isFinished = true;
      return { done: true, value: undefined };
    },
  };
  return { parts: { [Symbol.asyncIterator]: () => iterator }, warnings };
}
