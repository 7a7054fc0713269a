import type { LanguageModelV3StreamPart, SharedV3Warning } from '@ai-sdk/provider';
import { ProviderError } from '../errors/provider-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { UpstreamTimeoutError } from '../errors/upstream-timeout-error.ts';
import { isOutputPart } from '../shared/is-output-part.ts';
import { type EventSourceMessage, readSseEvents } from '../shared/parse-sse-stream.ts';
import type { UpstreamBodyReader } from '../shared/post-upstream.ts';
import type { ReadResult } from '../shared/read-result.ts';
import { toTransportError } from '../shared/to-transport-error.ts';
import { parseCodexChunk } from './codex-api.ts';
import type { CodexStreamState } from './codex-stream-state.ts';

type Part = LanguageModelV3StreamPart;

/**
 * Reads the SSE body and emits V3 parts: `stream-start` first, exactly one `finish` last. A dropped connection or
 * an idle stream ends with an `error` part; the caller's abort errors the stream at once and stops reading the body.
 *
 * Resolves once the first output part has arrived. An `error` part before it (a usage limit inside a 200, a
 * `response.failed`) is thrown instead, and the body cancelled, so the caller can still pick the HTTP status or
 * fail over. This is `throwIfStreamErrorBeforeOutput`'s contract, kept in the one stream: a second stream stage
 * around this one cost every part two more hand-overs (issue 7 profile).
 */
export async function startCodexPartStream(options: {
  body: UpstreamBodyReader;
  url: string;
  state: CodexStreamState;
  warnings: SharedV3Warning[];
  includeRawChunks: boolean;
  abortSignal: AbortSignal | undefined;
  idleTimeoutMs: number;
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
      // An event already parsed needs no deadline: only waiting on the network does.
      const buffered = reader.takeBuffered();
      let result: ReadResult<EventSourceMessage>;
      if (buffered != null) {
        result = { done: false, value: buffered };
      } else {
        try {
          result = await readWithDeadline(reader, { url, idleTimeoutMs: options.idleTimeoutMs, abortSignal });
        } catch (error) {
          reader.cancel(error).catch(() => {});
          if (abortSignal?.aborted) throw abortSignal.reason;
          isFinished = true;
          return state.finish({ interruptedBy: error instanceof ProviderError ? error : toTransportError(error, url) });
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

  const firstParts: Part[] = [{ type: 'stream-start', warnings: options.warnings }];
  for (let hasOutput = false; !hasOutput && !isFinished; ) {
    for (const part of await readParts()) {
      if (!hasOutput && part.type === 'error') {
        await reader.cancel(part.error).catch(() => {});
        throw part.error;
      }
      firstParts.push(part);
      hasOutput ||= isOutputPart(part);
    }
  }

  let onAbort: (() => void) | undefined;
  const stopListening = () => {
    if (onAbort != null) abortSignal?.removeEventListener('abort', onAbort);
  };
  return new ReadableStream<Part>({
    start(controller) {
      for (const part of firstParts) controller.enqueue(part);
      // The caller's abort ends the stream at once, dropping parts already read ahead, even with no read pending.
      onAbort = () => {
        controller.error(abortSignal?.reason);
        reader.cancel(abortSignal?.reason).catch(() => {});
      };
      if (abortSignal?.aborted) onAbort();
      else abortSignal?.addEventListener('abort', onAbort, { once: true });
    },
    async pull(controller) {
      let parts: Part[];
      try {
        parts = await readParts();
      } catch {
        return; // The abort listener has errored the stream.
      }
      if (parts.length === 0) {
        stopListening();
        controller.close();
        return;
      }
      for (const part of parts) controller.enqueue(part);
    },
    async cancel(reason) {
      stopListening();
      await reader.cancel(reason);
    },
  });
}

/** One read that gives up when the stream stays silent too long or the caller aborts (even if `fetch` ignored it). */
function readWithDeadline<T>(
  reader: { read(): Promise<ReadResult<T>> },
  options: { url: string; idleTimeoutMs: number; abortSignal: AbortSignal | undefined },
): Promise<ReadResult<T>> {
  const { abortSignal } = options;
  if (abortSignal?.aborted) return Promise.reject(abortSignal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cleanup();
      reject(abortSignal?.reason);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new UpstreamTimeoutError({
          message: `The Codex stream was silent for ${options.idleTimeoutMs} ms.`,
          url: options.url,
          cause: undefined,
        }),
      );
    }, options.idleTimeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      abortSignal?.removeEventListener('abort', onAbort);
    };
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    reader.read().then(
      (result) => {
        cleanup();
        resolve(result);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
