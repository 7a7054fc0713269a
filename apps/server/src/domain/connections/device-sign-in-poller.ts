import type { ConnectionsContext } from './connections-context.ts';
import { pollChatgptDeviceSignIn } from './poll-chatgpt-device-sign-in.ts';

/**
 * Polls pending device flows in the background at the interval auth.openai.com asked for, so a sign-in completes
 * even if nobody keeps the settings page open. Each flow stops on its own once it leaves `pending`.
 */
export class DeviceSignInPoller {
  readonly #context: ConnectionsContext;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #log: { warn: (object: object, message: string) => void };

  constructor(options: { context: ConnectionsContext; log: { warn: (object: object, message: string) => void } }) {
    this.#context = options.context;
    this.#log = options.log;
  }

  start(flowId: string, intervalSeconds: number): void {
    if (this.#timers.has(flowId)) return;
    const tick = async () => {
      try {
        const flow = await pollChatgptDeviceSignIn(this.#context, { flowId });
        if (flow.status !== 'pending') {
          this.#timers.delete(flowId);
          return;
        }
      } catch (error) {
        this.#log.warn({ err: error, flowId }, 'device sign-in poll failed');
        this.#timers.delete(flowId);
        return;
      }
      if (this.#timers.has(flowId)) this.#schedule(flowId, intervalSeconds, tick);
    };
    this.#schedule(flowId, intervalSeconds, tick);
  }

  stop(flowId: string): void {
    clearTimeout(this.#timers.get(flowId));
    this.#timers.delete(flowId);
  }

  stopAll(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #schedule(flowId: string, intervalSeconds: number, tick: () => Promise<void>): void {
    const timer = setTimeout(() => void tick(), intervalSeconds * 1000);
    timer.unref();
    this.#timers.set(flowId, timer);
  }
}
