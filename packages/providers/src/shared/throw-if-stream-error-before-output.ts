import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { EMPTY_USAGE } from './empty-usage.ts';
import { isOutputPart } from './is-output-part.ts';
import type { ReadResult } from './read-result.ts';
import { isAbortError } from './to-transport-error.ts';

type Part = LanguageModelV3StreamPart;

/**
 * Reads `stream` up to its first output part. An `error` part that comes before any output is thrown (mapped by
 * `mapError`) and the stream is cancelled: only then can the caller still choose the HTTP status or fail over.
 * Otherwise returns a stream that replays what was read and then continues; later `error` parts are mapped too.
 */
export async function throwIfStreamErrorBeforeOutput(
  stream: ReadableStream<Part>,
  mapError: (error: unknown) => unknown = (error) => error,
  abortSignal?: AbortSignal,
): Promise<ReadableStream<Part>> {
  const reader = stream.getReader();
  const buffered: Part[] = [];
  for (;;) {
    let result: ReadResult<Part>;
    try {
      result = await reader.read();
    } catch (error) {
      throw mapError(error);
    }
    if (result.done) break;
    const part = result.value;
    if (part.type === 'error') {
      await reader.cancel().catch(() => {});
      throw mapError(part.error);
    }
    buffered.push(part);
    if (isOutputPart(part)) break;
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
  const stopListening = () => {
    if (onAbort != null) abortSignal?.removeEventListener('abort', onAbort);
  };
  return new ReadableStream<Part>({
    start(controller) {
      for (const part of buffered) controller.enqueue(part);
      // The caller's abort ends the stream at once, dropping parts already read ahead, and stops reading upstream
      // (the AI SDK streams do not watch the signal themselves).
      onAbort = () => {
        controller.error(abortSignal?.reason);
        reader.cancel(abortSignal?.reason).catch(() => {});
      };
      if (abortSignal?.aborted) onAbort();
      else abortSignal?.addEventListener('abort', onAbort, { once: true });
    },
    async pull(controller) {
      try {
        const result = await reader.read();
        if (abortSignal?.aborted) return;
        if (result.done) {
          stopListening();
          controller.close();
          return;
        }
        const part = result.value;
        track(part);
        controller.enqueue(part.type === 'error' ? { type: 'error', error: mapError(part.error) } : part);
      } catch (error) {
        if (abortSignal?.aborted) return;
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
      stopListening();
      await reader.cancel(reason);
    },
  });
}
