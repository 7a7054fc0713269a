import type { ServerResponse } from 'node:http';
import { handWritesToSocket } from '../hand-writes-to-socket.ts';
import type { SseEvent } from '../write-sse.ts';
import { writeSse } from '../write-sse.ts';
import { markIntentionalClose } from './fake-client-close.ts';
import type { FakeOpenAiInterruption } from './fake-openai-scenario.ts';
import { buildOpenAiResponseHeaders } from './openai-response-headers.ts';
import type { OpenAiStreamFrame } from './openai-stream-frame.ts';
import { takeFramesBeforeInterruption } from './openai-stream-frame.ts';

export type WriteOpenAiStreamOptions = {
  reply: ServerResponse;
  frames: readonly OpenAiStreamFrame[];
  interruption: FakeOpenAiInterruption | undefined;
  /** Written after the last frame of an uninterrupted stream (`data: [DONE]` for chat completions). */
  closingEvents: readonly SseEvent[];
  /** What an `error` interruption writes, given the frames already written. */
  buildFailureEvents: (written: readonly OpenAiStreamFrame[]) => SseEvent[];
  delayMs: number;
};

/** Streams the frames, then ends normally, writes a failure, or cuts the connection, as the interruption says. */
export async function writeOpenAiStream(options: WriteOpenAiStreamOptions): Promise<void> {
  const { reply, interruption } = options;
  const written = takeFramesBeforeInterruption({ frames: options.frames, afterDeltas: interruption?.afterDeltas });
  const events: SseEvent[] = written.map((frame) =>
    frame.event == null ? { data: frame.data } : { event: frame.event, data: frame.data },
  );
  if (interruption == null) events.push(...options.closingEvents);
  else if (interruption.kind === 'error') events.push(...options.buildFailureEvents(written));
  const result = await writeSse({
    reply,
    events,
    delayMs: options.delayMs,
    headers: buildOpenAiResponseHeaders(),
    shouldEnd: interruption?.kind !== 'disconnect',
  });
  if (interruption?.kind === 'disconnect' && !result.hasClientDisconnected) {
    markIntentionalClose(reply);
    // Ending the socket (not the response) flushes what was written, then closes with the chunked body unterminated,
    // as a crashed upstream would; destroy() would discard writes still buffered.
    await handWritesToSocket(reply);
    reply.socket?.end();
  }
}
