import { createConnection } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { closeAllFakeServers } from './close-all-fake-servers.ts';
import type { BaseFakeOptions } from './define-fake.ts';
import { defineFake } from './define-fake.ts';
import { sendJson } from './send-json.ts';

afterEach(closeAllFakeServers);

const okFake = defineFake({
  name: 'ok',
  summary: 'answers ok',
  createState: (_options: BaseFakeOptions) => ({}),
  routes: ({ router }) => router.on('GET', '/ok', (_request, reply) => sendJson({ reply, body: { ok: true } })),
});

/** Sends one keep-alive request on a raw socket; resolves with what came back and whether the fake closed it. */
async function askOnce(url: string): Promise<{ answer: string; isClosedByFake: boolean }> {
  const { port } = new URL(url);
  const socket = createConnection({ port: Number(port), host: '127.0.0.1' });
  let answer = '';
  socket.on('data', (chunk) => {
    answer += String(chunk);
  });
  socket.write('GET /ok HTTP/1.1\r\nHost: fake\r\nConnection: keep-alive\r\n\r\n');
  const isClosedByFake = await new Promise<boolean>((resolve) => {
    socket.once('end', () => resolve(true));
    // A kept-alive connection stays open: give up on it once the answer is in.
    socket.on('data', () => {
      if (answer.includes('{"ok":true}')) setTimeout(() => resolve(false), 200);
    });
  });
  socket.destroy();
  return { answer, isClosedByFake };
}

it('should answer with Connection: close and close the connection when asked to (a fault per request)', async () => {
  const fake = await okFake.start({ closeConnections: true });
  const { answer, isClosedByFake } = await askOnce(fake.url);
  expect(answer).toMatch(/^connection: close\r$/im);
  expect(isClosedByFake).toBe(true);
});

it('should keep connections alive by default', async () => {
  const fake = await okFake.start();
  const { answer, isClosedByFake } = await askOnce(fake.url);
  expect(answer).toMatch(/^connection: keep-alive\r$/im);
  expect(isClosedByFake).toBe(false);
});
