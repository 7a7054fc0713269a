import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSseEvents } from './parse-sse-stream.ts';
import { postUpstream } from './post-upstream.ts';

// Issue 7: the transport the Codex adapter uses instead of `fetch`, on a real loopback server, and the SSE reader
// it feeds.
let server: Server;
let url: string;
const seen: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      seen.push({ headers: request.headers, body });
      if (request.url === '/fail') {
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
        response.end('{"error":{"message":"slow down"}}');
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'set-cookie': ['a=1', 'b=2'] });
      // One event split across writes, then one without its closing blank line.
      response.write('data: {"n":');
      setTimeout(() => {
        response.write('1}\n\ndata: {"n":2}\n\n');
        response.end('data: {"n":3}');
      }, 10);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function readAll(reader: ReturnType<typeof readSseEvents>): Promise<string[]> {
  const data: string[] = [];
  for (;;) {
    const next = await reader.read();
    if (next.done) return data;
    data.push(next.value.data);
  }
}

describe('postUpstream', () => {
  it('should send the body and headers and read the answer as SSE events, through undici', async () => {
    const response = await postUpstream({
      url: `${url}/ok`,
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"hello":"world"}',
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(await readAll(readSseEvents(response.body))).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(seen.at(-1)).toMatchObject({ body: '{"hello":"world"}', headers: { authorization: 'Bearer t' } });
  });

  it('should give an error answer’s status, headers and text', async () => {
    const response = await postUpstream({ url: `${url}/fail`, headers: {}, body: '{}' });
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(await response.text()).toBe('{"error":{"message":"slow down"}}');
  });

  it('should use an injected fetch as given, with the same reader', async () => {
    const calls: string[] = [];
    const response = await postUpstream({
      url: 'https://upstream.invalid/x',
      headers: {},
      body: '{}',
      fetch: async (input) => {
        calls.push(String(input));
        return new Response('data: a\n\ndata: b\n\n', { status: 200 });
      },
    });
    expect(calls).toEqual(['https://upstream.invalid/x']);
    expect(await readAll(readSseEvents(response.body))).toEqual(['a', 'b']);
  });

  it('should let a reader stop early (cancel) without waiting for the rest', async () => {
    const response = await postUpstream({ url: `${url}/ok`, headers: {}, body: '{}' });
    const reader = readSseEvents(response.body);
    expect((await reader.read()).value?.data).toBe('{"n":1}');
    await reader.cancel();
  });
});
