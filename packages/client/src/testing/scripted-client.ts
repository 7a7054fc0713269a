import type { AiChatResponse, AiRequest, AiStreamEvent } from '@pag/contracts';
import type { GatewayClient, StreamOptions } from '../create-gateway-client.ts';

/** One step of a scripted stream: an event, a drop being resumed, a thrown error, or a pause until released. */
export type Step = AiStreamEvent | { resuming: number } | { throw: unknown } | { wait: Promise<void> };

/**
 * A `GatewayClient` whose `stream()` plays scripted steps, one script per call, and records the requests and
 * whether each stream was aborted: the hooks' tests drive the UI states with it.
 */
export function scriptedClient(scripts: Step[][]) {
  const requests: AiRequest[] = [];
  const aborted: boolean[] = [];
  const client: GatewayClient = {
    async *stream(request: AiRequest, options: StreamOptions = {}) {
      const index = requests.length;
      requests.push(request);
      aborted.push(false);
      options.signal?.addEventListener('abort', () => {
        aborted[index] = true;
      });
      for (const step of scripts[index] ?? []) {
        if (options.signal?.aborted) throw options.signal.reason;
        if ('resuming' in step) options.onResuming?.(step.resuming);
        else if ('throw' in step) throw step.throw;
        else if ('wait' in step) {
          await Promise.race([
            step.wait,
            new Promise((_, reject) =>
              options.signal?.addEventListener('abort', () => reject(options.signal?.reason), { once: true }),
            ),
          ]);
        } else yield step;
      }
    },
    chat: async () => ({}) as AiChatResponse,
    embed: async () => ({ model: 'openai/none', provider: 'openai', embeddings: [], usage: { inputTokens: null } }),
    models: async () => [],
  };
  return { client, requests, aborted };
}

/** A promise and the function that settles it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
