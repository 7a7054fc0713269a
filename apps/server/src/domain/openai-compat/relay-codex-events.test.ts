import type { UpstreamBodyReader } from '@pag/providers';
import { describe, expect, it } from 'vitest';
import { relayCodexEvents } from './relay-codex-events.ts';

const URL = 'https://chatgpt.example/backend-api/codex/responses';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bodyOf(chunks: readonly string[], failure?: Error) {
  const queue = chunks.map((chunk) => encoder.encode(chunk));
  let markExhausted: () => void = () => {};
  const body = {
    reads: 0,
    /** Resolves once the body has been read to its end or its failure. */
    exhausted: new Promise<void>((resolve) => {
      markExhausted = resolve;
    }),
    read: async () => {
      body.reads += 1;
      const next = queue.shift();
      if (next != null) return { done: false as const, value: next };
      markExhausted();
      if (failure != null) throw failure;
      return { done: true as const, value: undefined };
    },
    cancel: async () => {},
  };
  return body satisfies UpstreamBodyReader;
}

async function relay(body: UpstreamBodyReader): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const item of relayCodexEvents(body, { url: URL })) {
    out.push(item instanceof Uint8Array ? decoder.decode(item) : item);
  }
  return out;
}

const created = (sequence: number) =>
  `data: ${JSON.stringify({ type: 'response.created', sequence_number: sequence, response: { id: 'resp_1', status: 'in_progress' } })}\n\n`;
const delta = (sequence: number) =>
  `data: ${JSON.stringify({ type: 'response.output_text.delta', sequence_number: sequence, delta: 'Hi' })}\n\n`;
const completed = (sequence: number) =>
  `event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', sequence_number: sequence, response: { id: 'resp_1', status: 'completed' } })}\n\n`;

describe('issue 16: relayCodexEvents', () => {
  it('should read types from the data when events have no event line, and close an early end with response.failed', async () => {
    const out = await relay(bodyOf([created(0), `: keep-alive\n\n${delta(1)}`]));
    expect(out).toEqual([
      created(0),
      ': keep-alive\n\n',
      delta(1),
      {
        type: 'response.failed',
        // Comments are not events: the next number after the two events.
        sequence_number: 2,
        response: {
          id: 'resp_1',
          status: 'failed',
          error: { code: 'upstream_unavailable', message: 'The Codex stream ended before response.completed.' },
        },
      },
    ]);
  });

  it('should pass a complete stream on unchanged and end it at the terminal event, reading the rest aside', async () => {
    const body = bodyOf([created(0), completed(1), 'data: {"late":true}\n\n'], new Error('socket hang up'));
    expect(await relay(body)).toEqual([created(0), completed(1)]);
    // What followed the end was still read (so the connection could be reused), without reaching the client.
    await body.exhausted;
    expect(body.reads).toBe(4);
  });

  it('should let the caller’s abort through', async () => {
    const abort = new DOMException('client left', 'AbortError');
    await expect(relay(bodyOf([created(0)], abort))).rejects.toBe(abort);
  });
});
