import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withoutRawHeaders } from './without-raw-headers.ts';

// Issue 22: an open relayed stream must not keep undici's copy of the upstream's raw header bytes.
let server: Server;
let url: string;
const agent = new Agent();

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'x-upstream': 'yes' });
    response.end('data: {}\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  await new Promise((resolve) => server.close(resolve));
});

/** The pool, with an interceptor next to it that records the controller undici hands the request's handler. */
function recordingControllers(controllers: Dispatcher.DispatchController[]): Dispatcher {
  return agent.compose((dispatch) => (options, handler) => {
    const inner = handler as Dispatcher.DispatchHandler;
    return dispatch(options, {
      ...bound(inner),
      onRequestStart(controller, context) {
        controllers.push(controller);
        inner.onRequestStart?.(controller, context);
      },
    });
  });
}

function bound(handler: Dispatcher.DispatchHandler): Dispatcher.DispatchHandler {
  return {
    onResponseStart: (...args) => handler.onResponseStart?.(...args),
    onResponseData: (...args) => handler.onResponseData?.(...args),
    onResponseEnd: (...args) => handler.onResponseEnd?.(...args),
    onResponseError: (...args) => handler.onResponseError?.(...args),
  };
}

describe('withoutRawHeaders', () => {
  it('should drop the raw headers once the response started, and still give its headers and body', async () => {
    const kept: Dispatcher.DispatchController[] = [];
    const plain = await request(url, { dispatcher: recordingControllers(kept) });
    await plain.body.text();
    // Without it, undici keeps them: what this test would catch.
    expect(kept[0]?.rawHeaders).not.toBeNull();

    const released: Dispatcher.DispatchController[] = [];
    const response = await request(url, { dispatcher: withoutRawHeaders(recordingControllers(released)) });
    expect(released[0]?.rawHeaders).toBeNull();
    expect(response.headers['x-upstream']).toBe('yes');
    expect(await response.body.text()).toBe('data: {}\n\n');
  });

  it('should compose each pool once', () => {
    expect(withoutRawHeaders(agent)).toBe(withoutRawHeaders(agent));
  });
});
