import type { AiRequest, AiStreamEvent } from '@pag/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GatewayClient } from '../create-gateway-client.ts';
import { GatewayClientError, isAbortError } from '../gateway-client-error.ts';

export type AiStreamStatus = 'idle' | 'streaming' | 'resuming' | 'done' | 'stopped' | 'error';

/** The `done` event of the answer: the model that answered, usage, finish reason (and `output` when asked for). */
export type AiStreamResult = Extract<AiStreamEvent, { type: 'done' }>;

export type AiStreamState = {
  /** The answer so far. */
  text: string;
  /** The model's reasoning summary so far (empty when the model shows none). */
  reasoning: string;
  /** The structured answer (`done.output`, when the request had a `schema`), else null. */
  output: unknown;
  status: AiStreamStatus;
  /** Why the answer failed (`status: 'error'`): the gateway's code, message and `retryAfter`, or `stream_lost`. */
  error: GatewayClientError | null;
  /** The `done` event once the answer is complete. */
  result: AiStreamResult | null;
};

export type UseAiStream = AiStreamState & {
  /** Starts an answer (stopping one still running). */
  start(request: AiRequest): void;
  /** Stops the answer: the request is aborted (the gateway stops the model) and nothing is resumed. */
  stop(): void;
  /** Asks the last request again. */
  retry(): void;
  /** Stops any answer and forgets it (back to `idle`). */
  reset(): void;
};

const IDLE: AiStreamState = { text: '', reasoning: '', output: null, status: 'idle', error: null, result: null };

/**
 * Streams one answer of the gateway into React state: text and reasoning as they arrive, `resuming` while the
 * client reconnects a dropped stream, then `done`, `stopped` or `error`. Unmounting stops the answer.
 */
export function useAiStream(client: GatewayClient): UseAiStream {
  const [state, setState] = useState<AiStreamState>(IDLE);
  const controllerRef = useRef<AbortController | null>(null);
  const lastRequestRef = useRef<AiRequest | null>(null);

  const start = useCallback(
    (request: AiRequest) => {
      controllerRef.current?.abort();
      const controller = new AbortController();
      controllerRef.current = controller;
      lastRequestRef.current = request;
      setState({ ...IDLE, status: 'streaming' });
      // Only the run that is current may touch the state: a stopped or replaced run's late events are dropped.
      const update = (change: (current: AiStreamState) => AiStreamState) => {
        if (controllerRef.current === controller) setState(change);
      };
      void (async () => {
        try {
          for await (const event of client.stream(request, {
            signal: controller.signal,
            onResuming: () => update((current) => ({ ...current, status: 'resuming' })),
          })) {
            update((current) => applyEvent(current, event));
          }
          // The client ends the loop only after `done` or `error`; anything else was applied above.
        } catch (error) {
          if (isAbortError(error) || controller.signal.aborted) return;
          update((current) => ({ ...current, status: 'error', error: toClientError(error) }));
        } finally {
          if (controllerRef.current === controller) controllerRef.current = null;
        }
      })();
    },
    [client],
  );

  const stop = useCallback(() => {
    const controller = controllerRef.current;
    if (controller == null) return;
    controllerRef.current = null;
    controller.abort();
    setState((current) => ({ ...current, status: 'stopped' }));
  }, []);

  const retry = useCallback(() => {
    if (lastRequestRef.current != null) start(lastRequestRef.current);
  }, [start]);

  const reset = useCallback(() => {
    const controller = controllerRef.current;
    controllerRef.current = null;
    lastRequestRef.current = null;
    controller?.abort();
    setState(IDLE);
  }, []);

  // Leaving the page stops the answer, so the gateway stops the model instead of writing to nobody.
  useEffect(
    () => () => {
      const controller = controllerRef.current;
      controllerRef.current = null;
      controller?.abort();
    },
    [],
  );

  return { ...state, start, stop, retry, reset };
}

function applyEvent(current: AiStreamState, event: AiStreamEvent): AiStreamState {
  const streaming: AiStreamStatus = 'streaming';
  switch (event.type) {
    case 'delta':
      return { ...current, status: streaming, text: current.text + event.text };
    case 'reasoning':
      return { ...current, status: streaming, reasoning: current.reasoning + event.text };
    case 'done':
      return {
        ...current,
        status: 'done',
        result: event,
        output: (event as { output?: unknown }).output ?? null,
      };
    case 'error':
      return {
        ...current,
        status: 'error',
        error: new GatewayClientError({
          status: null,
          code: event.code,
          message: event.message,
          retryAfter: event.retryAfter,
        }),
      };
    default:
      return current;
  }
}

function toClientError(error: unknown): GatewayClientError {
  if (error instanceof GatewayClientError) return error;
  return new GatewayClientError({
    status: null,
    code: 'client_error',
    message: (error as Error)?.message ?? String(error),
    retryAfter: null,
    cause: error,
  });
}
