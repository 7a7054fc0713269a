import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CODEX_FIXTURES, readFixtureLines } from '../test/read-fixture-lines.ts';
import { createCodexChatModel } from './codex-chat-model.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** A real loopback server, so the abort goes through Node's own fetch and socket. */
async function startServer(handler: Handler) {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/backend-api`;
}

function createModel(baseUrl: string) {
  return createCodexChatModel({
    modelId: 'gpt-5.5',
    baseUrl,
    getCredentials: async () => ({ accessToken: 'access-1', accountId: 'acct-abc123' }),
    conversationId: 'conversation-1',
    originator: 'pag_gateway',
    userAgent: 'pag_gateway/0.1.0',
  });
}

describe('Codex abort', () => {
  it('should abort the fetch and stop reading the body mid-stream', async () => {
    const lines = readFixtureLines(CODEX_FIXTURES, 'codex-text').slice(0, 5);
    let responseClosed: Promise<unknown> | undefined;
    const baseUrl = await startServer((request, response) => {
      responseClosed = once(response, 'close');
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const line of lines) response.write(`data: ${line}\n\n`);
      // …and never ends: only the client's abort can stop this stream.
    });
    const controller = new AbortController();
    const { stream } = await createModel(baseUrl).doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      abortSignal: controller.signal,
    });
    const reader = stream.getReader();
    const seen: string[] = [];
    for (;;) {
      const { value } = await reader.read();
      seen.push(value?.type ?? 'done');
      if (value?.type === 'text-delta') break;
    }
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    await responseClosed;
    expect(seen).toEqual(['stream-start', 'response-metadata', 'text-start', 'text-delta']);
  });

  it('should abort while waiting for the response headers', async () => {
    let requestClosed: Promise<unknown> | undefined;
    const baseUrl = await startServer((request) => {
      requestClosed = once(request.socket, 'close');
      request.resume();
    });
    const controller = new AbortController();
    const pending = createModel(baseUrl).doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      abortSignal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await requestClosed;
  });

  it('should stop reading even when an injected fetch ignores the signal', async () => {
    const lines = readFixtureLines(CODEX_FIXTURES, 'codex-text').slice(0, 5);
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(streamController) {
        streamController.enqueue(new TextEncoder().encode(lines.map((line) => `data: ${line}\n\n`).join('')));
      },
      cancel() {
        cancelled = true;
      },
    });
    const model = createCodexChatModel({
      modelId: 'gpt-5.5',
      baseUrl: 'https://chatgpt.example/backend-api',
      fetch: async () => new Response(body),
      getCredentials: async () => ({ accessToken: 'access-1', accountId: 'acct-abc123' }),
      conversationId: 'conversation-1',
      originator: 'pag_gateway',
      userAgent: 'pag_gateway/0.1.0',
    });
    const controller = new AbortController();
    const { stream } = await model.doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      abortSignal: controller.signal,
    });
    const reader = stream.getReader();
    for (let index = 0; index < 4; index++) await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cancelled).toBe(true);
  });
});
