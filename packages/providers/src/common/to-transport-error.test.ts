import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UpstreamTimeoutError } from '../errors/upstream-timeout-error.ts';
import { toTransportError } from './to-transport-error.ts';

const URL = 'https://upstream.example/v1/chat/completions';

describe('issue 16: toTransportError', () => {
  it('issue 16: should turn each of undici’s timeouts, bare or wrapped by fetch, into UpstreamTimeoutError saying which', () => {
    const cases = [
      [new errors.ConnectTimeoutError(), /Could not connect to upstream\.example in time/],
      [new errors.HeadersTimeoutError(), /upstream\.example did not start answering in time/],
      [new errors.BodyTimeoutError(), /upstream\.example went silent in the middle of its answer/],
    ] as const;
    for (const [cause, message] of cases) {
      for (const error of [cause, new TypeError('terminated', { cause }), new TypeError('fetch failed', { cause })]) {
        const mapped = toTransportError(error, URL);
        expect(mapped).toBeInstanceOf(UpstreamTimeoutError);
        expect(mapped).toMatchObject({ message: expect.stringMatching(message), url: URL, cause: error });
      }
    }
  });

  it('should keep a dropped connection a connection error, and the caller’s abort as it is', () => {
    const reset = new TypeError('terminated', { cause: new errors.SocketError('other side closed') });
    expect(toTransportError(reset, URL)).toBeInstanceOf(UpstreamConnectionError);
    const abort = new DOMException('client left', 'AbortError');
    expect(toTransportError(abort, URL)).toBe(abort);
    expect(toTransportError(new DOMException('late', 'TimeoutError'), URL)).toBeInstanceOf(UpstreamTimeoutError);
  });
});
