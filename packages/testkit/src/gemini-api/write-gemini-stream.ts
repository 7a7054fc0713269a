import type { ServerResponse } from 'node:http';
import { createResponseCloseSignal } from '../create-response-close-signal.ts';
import { handWritesToSocket } from '../hand-writes-to-socket.ts';
import { markIntentionalClose } from '../openai-api/fake-client-close.ts';
import { wait } from '../wait.ts';
import type { GeminiChunk } from './build-gemini-chunks.ts';
import type { FakeGeminiInterruption } from './fake-gemini-scenario.ts';
import type { GoogleApiErrorBody } from './google-api-error.ts';

export type WriteGeminiStreamOptions = {
  reply: ServerResponse;
  chunks: readonly GeminiChunk[];
  interruption: FakeGeminiInterruption | undefined;
  defaultError: GoogleApiErrorBody;
  /** `alt=sse`: SSE events; otherwise one JSON array written piece by piece. */
  isSse: boolean;
  delayMs: number;
};

/**
 * Streams GenerateContentResponse chunks. SSE events end with `\r\n\r\n` as Google's do, and there is no `[DONE]`:
 * the stream ends when the connection closes. A mid-stream failure is a bare, pretty-printed error object with no
 * `data:` prefix (docs/google-protocol.md §3.5).
 */
export async function writeGeminiStream(options: WriteGeminiStreamOptions): Promise<void> {
  const { reply, interruption, isSse } = options;
  const signal = createResponseCloseSignal(reply);
  reply.writeHead(200, {
    'content-type': isSse ? 'text/event-stream' : 'application/json; charset=UTF-8',
    'cache-control': 'no-cache',
    vary: 'Origin, X-Origin, Referer',
  });
  reply.flushHeaders();
  const written = takeChunksBeforeInterruption({ chunks: options.chunks, afterChunks: interruption?.afterChunks });
  const pieces = written.map((chunk, index) =>
    isSse
      ? `data: ${JSON.stringify(chunk.data)}\r\n\r\n`
      : `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(chunk.data)}`,
  );
  for (const piece of pieces) {
    if (options.delayMs > 0 && !(await wait({ ms: options.delayMs, signal }))) return;
    if (signal.aborted) return;
    if (!reply.write(piece)) await new Promise((resolve) => reply.once('drain', resolve));
  }
  if (interruption?.kind === 'disconnect') {
    markIntentionalClose(reply);
    // end() on the socket flushes what was written and leaves the body unterminated, as a crashed upstream would.
    await handWritesToSocket(reply);
    reply.socket?.end();
    return;
  }
  let tail = '';
  if (interruption?.kind === 'error') {
    const error = JSON.stringify(interruption.error ?? options.defaultError, null, 2);
    tail = isSse ? `${error}\n` : `${pieces.length === 0 ? '[' : ',\r\n'}${error}]`;
  } else if (!isSse) {
    tail = pieces.length === 0 ? '[]' : ']';
  }
  reply.end(tail);
}

function takeChunksBeforeInterruption(options: { chunks: readonly GeminiChunk[]; afterChunks: number | undefined }) {
  const { chunks, afterChunks } = options;
  if (afterChunks == null) return [...chunks];
  // Never the last chunk: an interrupted stream must not look finished.
  return chunks.slice(0, Math.min(afterChunks, Math.max(0, chunks.length - 1)));
}
