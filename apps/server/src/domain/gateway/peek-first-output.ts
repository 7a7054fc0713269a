import type { LanguageModelV3StreamPart, SharedV3Warning } from '@pag/providers';

/** Parts that mean something reached (or is about to reach) the client: after one of them, no failover. */
const OUTPUT_PART_TYPES = new Set<LanguageModelV3StreamPart['type']>([
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
 * continues with the rest; leaving it early cancels the upstream stream.
 */
export async function peekFirstOutput(
  stream: ReadableStream<LanguageModelV3StreamPart>,
): Promise<{ parts: AsyncIterable<LanguageModelV3StreamPart>; warnings: SharedV3Warning[] }> {
  const reader = stream.getReader();
  const buffered: LanguageModelV3StreamPart[] = [];
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
  const parts: AsyncIterable<LanguageModelV3StreamPart> = {
    async *[Symbol.asyncIterator]() {
      let isFinished = isDone;
      try {
        yield* buffered;
        while (!isFinished) {
          const { done, value } = await reader.read();
          if (done) {
            isFinished = true;
            break;
          }
          yield value;
        }
      } finally {
        if (!isFinished) await reader.cancel().catch(() => {});
        reader.releaseLock();
      }
    },
  };
  return { parts, warnings };
}
