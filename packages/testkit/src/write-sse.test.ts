import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from './close-all-fake-servers.ts';
import { defineFake } from './define-fake.ts';
import type { SseEvent } from './write-sse.ts';
import { formatSseEvent, writeSse } from './write-sse.ts';

const TIMEOUT_MS = 2000;

afterEach(closeAllFakeServers);

type ParsedEvent = { event: string | undefined; id: string | undefined; data: string };

/** A deliberately independent, minimal reading of the SSE spec's parsing rules. */
function parseSse(text: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (block === '') continue;
    const event: ParsedEvent = { event: undefined, id: undefined, data: '' };
    const dataLines: string[] = [];
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      const field = line.slice(0, colon);
      const value = line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') dataLines.push(value);
      else if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
      else throw new Error(`unexpected line ${JSON.stringify(line)}`);
    }
    event.data = dataLines.join('\n');
    events.push(event);
  }
  return events;
}

type WriteSseResult = Awaited<ReturnType<typeof writeSse>>;

/** A fake that streams `events` at GET /. */
async function startSseFake(options: { events: SseEvent[]; delayMs?: number; shouldEnd?: boolean }) {
  let settle: (result: WriteSseResult) => void = () => {};
  const result = new Promise<WriteSseResult>((resolve) => {
    settle = resolve;
  });
  const fake = await defineFake({
    name: 'codex',
    summary: '',
    createState: () => null,
    routes: ({ router }) =>
      router.on('GET', '/', async (_request, reply) => {
        settle(await writeSse({ reply, ...options }));
      }),
  }).start();
  return { fake, result };
}

describe('writeSse', () => {
  it('should frame events so a client parses them back', async () => {
    const { fake, result } = await startSseFake({
      events: [
        { event: 'response.created', data: { type: 'response.created', id: 'resp_1' } },
        { data: 'line one\nline two\r\nline three\rline four' },
        { event: 'ping', id: '42', data: '' },
        { data: '[DONE]' },
      ],
    });

    const response = await fetch(`${fake.url}/`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(text.startsWith('event: response.created\ndata: {"type":"response.created","id":"resp_1"}\n\n')).toBe(true);
    expect(parseSse(text)).toEqual([
      { event: 'response.created', id: undefined, data: '{"type":"response.created","id":"resp_1"}' },
      { event: undefined, id: undefined, data: 'line one\nline two\nline three\nline four' },
      { event: 'ping', id: '42', data: '' },
      { event: undefined, id: undefined, data: '[DONE]' },
    ]);
    expect(await result).toEqual({ writtenCount: 4, hasClientDisconnected: false });
  });

  it('should wait before each event', async () => {
    const { fake } = await startSseFake({
      delayMs: 40,
      events: [{ data: 'a' }, { data: 'b', delayMs: 80 }],
    });

    const started = performance.now();
    const response = await fetch(`${fake.url}/`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    await response.text();

    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('should stop writing once the client went away', async () => {
    const events = Array.from({ length: 50 }, (_, index) => ({ data: `chunk ${index}` }));
    const { fake, result } = await startSseFake({ delayMs: 20, events });
    const controller = new AbortController();

    const response = await fetch(`${fake.url}/`, { signal: controller.signal });
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('data: chunk 0');
    controller.abort();

    const outcome = await Promise.race([
      result,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('writeSse kept going')), TIMEOUT_MS)),
    ]);
    expect(outcome.hasClientDisconnected).toBe(true);
    expect(outcome.writtenCount).toBeLessThan(events.length);
  });

  it('should leave the stream open when told not to end', async () => {
    const { fake } = await startSseFake({ events: [{ data: 'only' }], shouldEnd: false });
    const controller = new AbortController();

    const response = await fetch(`${fake.url}/`, { signal: controller.signal });
    const reader = response.body?.getReader();
    await reader?.read();
    const next = await Promise.race([
      reader?.read().then(() => 'more'),
      new Promise((resolve) => setTimeout(() => resolve('still open'), 100)),
    ]);
    controller.abort();

    expect(next).toBe('still open');
  });
});

describe('formatSseEvent', () => {
  it.each([
    ['event', { event: 'a\nb', data: 'x' }],
    ['id', { id: 'a\rb', data: 'x' }],
  ])('should reject a line break in %s', (name, event) => {
    expect(() => formatSseEvent(event)).toThrow(`"${name}" must not contain line breaks`);
  });

  it('should reject data that has no JSON form', () => {
    expect(() => formatSseEvent({ data: undefined })).toThrow('"data" must be a string or JSON value');
  });
});
