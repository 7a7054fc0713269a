import type { LanguageModelV3StreamPart, SharedV3Warning } from '@ai-sdk/provider';
import { type EventSourceMessage, readSseEvents } from '../common/parse-sse-stream.ts';
import type { UpstreamBodyReader } from '../common/post-upstream.ts';
import type { ReadResult } from '../common/read-result.ts';
import { startPartStream } from '../common/start-part-stream.ts';
import { toTransportError } from '../common/to-transport-error.ts';
import { ProviderError } from '../errors/provider-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { parseCodexChunk } from './codex-api.ts';
import type { CodexStreamState } from './codex-stream-state.ts';

type Part = LanguageModelV3StreamPart;

/**
 * Reads the SSE body and emits V3 parts: `stream-start` first, exactly one `finish` last. A dropped connection or
 * an idle stream (the upstream fetch's idle timeout, see common/create-upstream-fetch.ts) ends with an `error` part;
 * the caller's abort errors the stream at once and stops reading the body.
 * Resolves once the first output part has arrived; an `error` part before it (a usage limit inside a 200, a
 * `response.failed`) is thrown instead (`startPartStream`), so the caller can still pick the HTTP status or fail
 * over. The parts are produced straight into that one stream, with no second stage around a stream of our own.
 */
export async function startCodexPartStream(options: {
  body: UpstreamBodyReader;
  url: string;
  state: CodexStreamState;
  warnings: SharedV3Warning[];
  includeRawChunks: boolean;
  abortSignal: AbortSignal | undefined;
}): Promise<ReadableStream<Part>> {
  const { url, state, abortSignal } = options;
  const reader = readSseEvents(options.body);
  let isFinished = false;

  const handleEvent = (event: EventSourceMessage): Part[] => {
    if (event.data === '[DONE]') return [];
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch (error) {
      return state.handleError(
        new UpstreamProtocolError({
          message: `Unparsable Codex stream chunk: ${event.data.slice(0, 200)}`,
          url,
          cause: error,
        }),
      );
    }
    const parts: Part[] = options.includeRawChunks ? [{ type: 'raw', rawValue: json }] : [];
    const chunk = parseCodexChunk(json);
    if (!chunk.success) {
      parts.push(
        ...state.handleError(
          new UpstreamProtocolError({ message: 'Codex stream chunk without a type.', url, cause: chunk.error }),
        ),
      );
      return parts;
    }
    parts.push(...state.handleChunk(chunk.data));
    return parts;
  };

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
          return state.finish({
            interruptedBy:
              error instanceof ProviderError ? error : toTransportError(error, url, { isReadingBody: true }),
          });
        }
      }
      if (result.done) {
        isFinished = true;
        return state.finish();
      }
      const parts = handleEvent(result.value);
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
    { abortSignal },
  );
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
