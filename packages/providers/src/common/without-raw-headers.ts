import type { Dispatcher } from 'undici';

type Controller = Dispatcher.DispatchController;
type Handler = Dispatcher.DispatchHandler;

const composed = new WeakMap<Dispatcher, Dispatcher>();

/**
 * The dispatcher, through an interceptor that lets undici's copy of each response's raw header bytes go once the
 * response has started. undici keeps them on the request's controller until the answer ends, though its request API
 * reads them only as the response starts (into the headers object it hands over): some fifteen Buffers per answer,
 * each pinning a slice of Node's buffer pool — 2 to 4 KB with every open stream, a tenth of what one costs
 * (issue 22 heap profile). One composed dispatcher per pool, kept while the pool lives.
 */
export function withoutRawHeaders(dispatcher: Dispatcher): Dispatcher {
  let result = composed.get(dispatcher);
  if (result == null) {
    result = dispatcher.compose(
      (dispatch) => (options, handler) => dispatch(options, new RawHeadersReleasingHandler(handler as Handler)),
    );
    composed.set(dispatcher, result);
  }
  return result;
}

/** Passes every event on to the request's handler; after the final response's start, drops the raw headers. */
class RawHeadersReleasingHandler implements Handler {
  readonly #handler: Handler;

  constructor(handler: Handler) {
    this.#handler = handler;
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(...args: Parameters<NonNullable<Handler['onRequestUpgrade']>>): void {
    this.#handler.onRequestUpgrade?.(...args);
  }

  onResponseStarted(): void {
    this.#handler.onResponseStarted?.();
  }

  onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: Parameters<NonNullable<Handler['onResponseStart']>>[2],
    statusMessage?: string,
  ): void {
    this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
    // A 1xx is followed by the final response, whose headers undici sets again.
    if (statusCode >= 200) controller.rawHeaders = null;
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    this.#handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: Parameters<NonNullable<Handler['onResponseEnd']>>[1]): void {
    this.#handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Controller, error: Error): void {
    this.#handler.onResponseError?.(controller, error);
  }

  onBodySent(chunk: Buffer): void {
    this.#handler.onBodySent?.(chunk);
  }

  onRequestSent(): void {
    this.#handler.onRequestSent?.();
  }
}
