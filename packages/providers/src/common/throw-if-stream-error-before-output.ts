import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { startPartStream } from './start-part-stream.ts';

type Part = LanguageModelV3StreamPart;

/**
 * `startPartStream` over an existing part stream (an AI SDK model's): reads it up to its first output part,
 * throwing an `error` part that comes before (mapped by `mapError`), and returns a stream that replays what was
 * read and continues; later `error` parts are mapped too.
 */
export function throwIfStreamErrorBeforeOutput(
  stream: ReadableStream<Part>,
  mapError: (error: unknown) => unknown = (error) => error,
  abortSignal?: AbortSignal,
): Promise<ReadableStream<Part>> {
  const reader = stream.getReader();
  return startPartStream(
    {
      read: async () => {
        const result = await reader.read();
        return result.done ? null : [result.value];
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { mapError, abortSignal },
  );
}
