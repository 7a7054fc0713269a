import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from './close-all-fake-servers.ts';
import { defineFake } from './define-fake.ts';
import type { ScriptedFault } from './fault-script.ts';
import { createFaultScript } from './fault-script.ts';
import { sendJson } from './send-json.ts';

const TIMEOUT_MS = 2000;

afterEach(closeAllFakeServers);

async function startCountingFake() {
  let handled = 0;
  const fake = await defineFake({
    name: 'openai',
    summary: '',
    createState: () => null,
    routes: ({ router }) => {
      for (const path of ['/:a', '/:a/:b', '/:a/:b/:c']) {
        for (const method of ['GET', 'POST'] as const) {
          router.on(method, path, (_request, reply) => {
            handled += 1;
            sendJson({ reply, body: { ok: true } });
          });
        }
      }
    },
  }).start();
  const send = (path: string, method = 'POST') =>
    fetch(`${fake.url}${path}`, { method, signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { fake, send, handledCount: () => handled };
}

describe('fault script', () => {
  it('should answer a scripted status instead of the handler, then recover', async () => {
    const { fake, send, handledCount } = await startCountingFake();
    fake.faults.push({
      match: { method: 'POST', path: '/v1/chat/completions' },
      times: 2,
      fault: {
        kind: 'status',
        status: 429,
        body: { error: { message: 'Rate limit reached', type: 'requests' } },
        headers: { 'Retry-After': '7' },
      },
    });

    const first = await send('/v1/chat/completions');
    const second = await send('/v1/chat/completions');
    const third = await send('/v1/chat/completions');

    for (const response of [first, second]) {
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
      expect(await response.json()).toEqual({ error: { message: 'Rate limit reached', type: 'requests' } });
    }
    expect(third.status).toBe(200);
    expect(handledCount()).toBe(1);
    expect(fake.requests).toHaveLength(3);
  });

  it('should send a string body as text and a default body naming the fake', async () => {
    const { fake, send } = await startCountingFake();
    fake.faults.push(
      { match: {}, fault: { kind: 'status', status: 502, body: '<html>Bad gateway</html>' } },
      { match: {}, fault: { kind: 'status', status: 503 } },
    );

    const text = await send('/a');
    const fallback = await send('/b');

    expect(text.status).toBe(502);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toBe('<html>Bad gateway</html>');
    expect(fallback.status).toBe(503);
    expect(await fallback.json()).toEqual({ error: 'scripted status 503 from fake openai' });
  });

  it('should delay before the handler answers', async () => {
    const { fake, send, handledCount } = await startCountingFake();
    fake.faults.push({ match: { path: '/slow' }, fault: { kind: 'delay', ms: 150 } });

    const started = performance.now();
    const response = await send('/slow');
    const elapsed = performance.now() - started;

    expect(response.status).toBe(200);
    expect(handledCount()).toBe(1);
    // Timers may fire a millisecond early relative to performance.now().
    expect(elapsed).toBeGreaterThanOrEqual(145);
    expect(elapsed).toBeLessThan(TIMEOUT_MS);
  });

  it('should send a truncated JSON body', async () => {
    const { fake, send, handledCount } = await startCountingFake();
    fake.faults.push({ match: {}, fault: { kind: 'malformed-json' } });

    const response = await send('/v1/models', 'GET');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    await expect(response.json()).rejects.toThrow(SyntaxError);
    expect(handledCount()).toBe(0);
  });

  it('should drop the connection so the client request fails', async () => {
    const { fake, send, handledCount } = await startCountingFake();
    fake.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'drop-connection' } });

    await expect(send('/oauth/token')).rejects.toThrow(TypeError);
    expect(handledCount()).toBe(0);
    expect(fake.findRequests({ path: '/oauth/token' })).toHaveLength(1);
    expect((await send('/oauth/token')).status).toBe(200);
  });

  it('should apply only to matching requests, first queued first', async () => {
    const { fake, send } = await startCountingFake();
    fake.faults.push(
      { match: { method: 'GET', path: /^\/v1\/models/ }, fault: { kind: 'status', status: 404 } },
      { match: {}, times: Number.POSITIVE_INFINITY, fault: { kind: 'status', status: 500 } },
    );

    expect((await send('/v1/models', 'POST')).status).toBe(500);
    expect((await send('/v1/models/x', 'GET')).status).toBe(404);
    expect((await send('/v1/models/x', 'GET')).status).toBe(500);
    expect((await send('/other', 'GET')).status).toBe(500);
    expect(fake.faults.pending).toHaveLength(1);

    fake.faults.clear();

    expect((await send('/other', 'GET')).status).toBe(200);
  });

  it.each<[string, ScriptedFault, string]>([
    [
      'zero times',
      { match: {}, times: 0, fault: { kind: 'drop-connection' } },
      '"times" must be a positive integer or Infinity',
    ],
    [
      'a fractional count',
      { match: {}, times: 1.5, fault: { kind: 'drop-connection' } },
      '"times" must be a positive integer or Infinity',
    ],
    [
      'an impossible status',
      { match: {}, fault: { kind: 'status', status: 99 } },
      '"status" must be an integer HTTP status between 100 and 599',
    ],
    ['a negative delay', { match: {}, fault: { kind: 'delay', ms: -1 } }, '"ms" must be a finite number >= 0'],
    [
      'an unknown kind',
      { match: {}, fault: { kind: 'explode' } as never },
      '"fault.kind" must be status, delay, malformed-json or drop-connection',
    ],
  ])('should reject %s without queueing anything', (_case, scripted, message) => {
    const script = createFaultScript();

    expect(() => script.push({ match: {}, fault: { kind: 'drop-connection' } }, scripted)).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message }),
    );
    expect(script.pending).toEqual([]);
  });
});
