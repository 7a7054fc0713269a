import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { EMPTY_USAGE } from './empty-usage.ts';
import { isOutputPart } from './is-output-part.ts';
import { isAbortError } from './to-transport-error.ts';

type Part = LanguageModelV3StreamPart;

/** Where parts come from: `read` gives the next ones (null at the end); `cancel` stops the upstream. */
export type PartSource = {
  read(): Promise<readonly Part[] | null>;
  cancel(reason?: unknown): Promise<void>;
};

/**
 * Reads `source` up to its first output part. An `error` part that comes before any output is thrown (mapped by
 * `mapError`) and the source is cancelled: only then can the caller still choose the HTTP status or fail over.
 * Otherwise returns one stream that replays what was read and then continues; later `error` parts are mapped too.
 * The caller's abort errors the stream at once (dropping parts read ahead, even with no read pending) and cancels
 * the source. A source that fails after output (a connection reset) closes the blocks still open, then ends with
 * an `error` part and one `finish`.
 */
export async function startPartStream(
  source: PartSource,
  options: { mapError?: (error: unknown) => unknown; abortSignal?: AbortSignal | undefined } = {},
): Promise<ReadableStream<Part>> {
  const mapError = options.mapError ?? ((error: unknown) => error);
  const { abortSignal } = options;
  const buffered: Part[] = [];
  let isDone = false;
  for (let hasOutput = false; !hasOutput && !isDone; ) {
    let parts: readonly Part[] | null;
    try {
      parts = await source.read();
    } catch (error) {
      throw mapError(error);
    }
    if (parts == null) {
      isDone = true;
      break;
    }
    for (const part of parts) {
      if (!hasOutput && part.type === 'error') {
        await source.cancel(part.error).catch(() => {});
        throw mapError(part.error);
      }
      buffered.push(part);
      hasOutput ||= isOutputPart(part);
    }
  }

  // Blocks still open, so a stream that breaks off can close them before its error and finish.
  const openBlocks = new Map<string, Part>();
  const track = (part: Part) => {
    if (part.type === 'text-start') openBlocks.set(`text:${part.id}`, { type: 'text-end', id: part.id });
    else if (part.type === 'reasoning-start')
      openBlocks.set(`reasoning:${part.id}`, { type: 'reasoning-end', id: part.id });
    else if (part.type === 'tool-input-start')
      openBlocks.set(`tool:${part.id}`, { type: 'tool-input-end', id: part.id });
    else if (part.type === 'text-end') openBlocks.delete(`text:${part.id}`);
    else if (part.type === 'reasoning-end') openBlocks.delete(`reasoning:${part.id}`);
    else if (part.type === 'tool-input-end') openBlocks.delete(`tool:${part.id}`);
  };
  for (const part of buffered) track(part);

  let onAbort: (() => void) | undefined;
  let isCancelled = false;
  const stopListening = () => {
    if (onAbort != null) abortSignal?.removeEventListener('abort', onAbort);
  };
  return new ReadableStream<Part>({
    start(controller) {
      for (const part of buffered) controller.enqueue(part);
      // The AI SDK streams do not watch the signal themselves, so the abort is handled here for every source.
      onAbort = () => {
        controller.error(abortSignal?.reason);
        source.cancel(abortSignal?.reason).catch(() => {});
      };
      if (abortSignal?.aborted) onAbort();
      else abortSignal?.addEventListener('abort', onAbort, { once: true });
    },
    async pull(controller) {
      if (isDone) {
        stopListening();
        controller.close();
        return;
      }
      try {
        const parts = await source.read();
        // Cancelled while this read was out (a consumer that stopped at `finish`): the stream is closed, and
        // touching its controller would throw — an error whose stack trace alone cost about 17 µs per answer
        // (issue 22 profile).
        if (abortSignal?.aborted || isCancelled) return;
        if (parts == null) {
          stopListening();
          controller.close();
          return;
        }
        for (const part of parts) {
          track(part);
          controller.enqueue(part.type === 'error' ? { type: 'error', error: mapError(part.error) } : part);
        }
      } catch (error) {
        if (abortSignal?.aborted || isCancelled) return;
        stopListening();
        if (isAbortError(error)) {
          controller.error(error);
          return;
        }
        // The upstream body failed after output (connection reset): close what is open, then an error part and
        // one finish.
        for (const end of openBlocks.values()) controller.enqueue(end);
        controller.enqueue({ type: 'error', error: mapError(error) });
        controller.enqueue({ type: 'finish', finishReason: { unified: 'error', raw: undefined }, usage: EMPTY_USAGE });
        controller.close();
      }
    },
    async cancel(reason) {
      isCancelled = true;
      stopListening();
      await source.cancel(reason);
    },
  });
}
