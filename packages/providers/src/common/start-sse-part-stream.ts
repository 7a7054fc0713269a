import type { LanguageModelV3StreamPart, SharedV3Warning } from '@ai-sdk/provider';
import { ProviderError } from '../errors/provider-error.ts';
import { type EventSourceMessage, readSseEvents, type SseEventReader } from './parse-sse-stream.ts';
import type { UpstreamBodyReader } from './post-upstream.ts';
import type { ReadResult } from './read-result.ts';
import { startPartStream } from './start-part-stream.ts';
import { toTransportError } from './to-transport-error.ts';

type Part = LanguageModelV3StreamPart;

/** What turns one upstream's SSE events into parts (a Codex or a Chat Completions stream state). */
export type SsePartDecoder = {
  /** The parts for one event's `data` (none for an event that only updates state). */
  handleEvent(data: string): Part[];
  /**
   * True once the answer is complete (Chat Completions' `[DONE]`): the stream finishes at once instead of waiting for
   * the upstream to close the body, whose rest is read aside so the connection can be reused.
   */
  readonly isComplete: boolean;
  /** Ends the answer: open blocks closed, an `error` part if it was cut off (`interruptedBy`), one `finish` last. */
  finish(options?: { interruptedBy?: unknown }): Part[];
};

/**
 * The one pump from an upstream's SSE body to V3 parts, for every adapter that reads a body itself: `stream-start`
 * first, then the decoder's parts, exactly one `finish` last. A dropped connection or an idle stream (the upstream
 * fetch's idle timeout, see create-upstream-fetch.ts) ends with an `error` part; the caller's abort errors the
 * stream at once and stops reading the body. Resolves once the first output part has arrived; an `error` part before
 * it (a usage limit inside a 200, an error chunk) is thrown instead (`startPartStream`), so the caller can still pick
 * the HTTP status or fail over. Parts go straight into that one stream, with no second stage around it.
 */
export async function startSsePartStream(options: {
  body: UpstreamBodyReader;
  url: string;
  decoder: SsePartDecoder;
  warnings: SharedV3Warning[];
  abortSignal: AbortSignal | undefined;
  /** Maps `error` parts and a failure before output to the provider's error classes. */
  mapError?: (error: unknown) => unknown;
}): Promise<ReadableStream<Part>> {
  const { url, decoder, abortSignal } = options;
  const reader = readSseEvents(options.body);
  let isFinished = false;

  /** The next parts (none once finished). Throws only the caller's abort. */
  const readParts = async (): Promise<Part[]> => {
    while (!isFinished) {
      // An event already parsed is taken at once: only waiting on the network needs to watch the abort.
      const buffered = reader.takeBuffered();
      let result: ReadResult<EventSourceMessage>;
      if (buffered != null) {
        result = { done: false, value: buffered };
      } else {
        try {
          result = await readUnlessAborted(reader, abortSignal);
        } catch (error) {
          reader.cancel(error).catch(() => {});
          if (abortSignal?.aborted) throw abortSignal.reason;
          isFinished = true;
          return decoder.finish({
            interruptedBy:
              error instanceof ProviderError ? error : toTransportError(error, url, { isReadingBody: true }),
          });
        }
      }
      if (result.done) {
        isFinished = true;
        return decoder.finish();
      }
      const parts = decoder.handleEvent(result.value.data);
      if (decoder.isComplete) {
        isFinished = true;
        readRestAside(reader);
        parts.push(...decoder.finish());
      }
      if (parts.length > 0) return parts;
    }
    return [];
  };

  let isStarted = false;
  return startPartStream(
    {
      read: async () => {
        if (!isStarted) {
          isStarted = true;
          return [{ type: 'stream-start', warnings: options.warnings }];
        }
        const parts = await readParts();
        return parts.length === 0 ? null : parts;
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { abortSignal, ...(options.mapError != null ? { mapError: options.mapError } : {}) },
  );
}

/** Reads after the end of an answer, at most; an upstream that goes on talking past it is cut off. */
const MAX_READS_AFTER_END = 8;

/**
 * Reads what follows the end of an answer (usually only the end of the chunked body) without holding the answer up,
 * so the connection goes back to the pool; a failure there is of no interest to anyone.
 */
function readRestAside(reader: SseEventReader): void {
  let reads = 0;
  const next = (): void => {
    if (++reads > MAX_READS_AFTER_END) {
      reader.cancel().catch(() => {});
      return;
    }
    reader.read().then(
      (result) => (result.done ? undefined : next()),
      () => {},
    );
  };
  next();
}

/**
 * One read that gives up when the caller aborts, even if the transport ignored the signal (an injected fetch). A
 * silent upstream is the transport's to time out (the upstream fetch's idle timeout): one timer for every path.
 */
function readUnlessAborted<T>(
  reader: { read(): Promise<ReadResult<T>> },
  abortSignal: AbortSignal | undefined,
): Promise<ReadResult<T>> {
  if (abortSignal == null) return reader.read();
  if (abortSignal.aborted) return Promise.reject(abortSignal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortSignal.reason);
    abortSignal.addEventListener('abort', onAbort, { once: true });
    reader.read().then(
      (result) => {
        abortSignal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        abortSignal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
