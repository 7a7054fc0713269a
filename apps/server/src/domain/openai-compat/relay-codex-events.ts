import { TextDecoder } from 'node:util';
import { readSseFrames, type UpstreamBodyReader, UpstreamConnectionError } from '@pag/providers';
import { describeUpstreamError } from '../describe-upstream-error.ts';
import type { ResponsesEvent } from './to-responses-events.ts';

/** The events after which a Responses stream is over (docs/codex-protocol.md §6.2). */
const TERMINAL_TYPES = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);
/** The events that carry the response object a closing `response.failed` of ours repeats. */
const SNAPSHOT_TYPES = new Set(['response.created', 'response.in_progress']);
const EVENT_FIELD = new TextEncoder().encode('event:');
const LF = 0x0a;
const CR = 0x0d;

/**
 * The Codex backend's event stream for the `/v1/responses` relay: each upstream event as its own bytes, unchanged,
 * and — when the upstream breaks off (a cut connection, the idle timeout) or ends without a terminal event — one
 * `response.failed` of ours in their place, so a client never takes a broken answer for a complete one
 * (docs/codex-protocol.md §6.1: clients treat an end without `response.completed` as an error). Our event repeats
 * the response object of `response.created` with `status: "failed"` and the error in our words and codes
 * (`upstream_timeout`, `upstream_unavailable`), and takes the next `sequence_number`. Half an event is never
 * passed on (`readSseFrames`). The stream ends at the terminal event (what follows is read aside, see `drain`).
 * The caller's abort passes through; a client that leaves early stops the reading of the upstream.
 */
export async function* relayCodexEvents(
  body: UpstreamBodyReader,
  options: {
    url: string;
    /**
     * Told the terminal event's type and response object (its `usage`, its `error`) for the usage ledger: the one
     * event parsed besides the snapshot, so nothing is buffered or read twice.
     */
    onTerminal?: ((type: string, response: Record<string, unknown> | undefined) => void) | undefined;
  },
): AsyncGenerator<Uint8Array | ResponsesEvent> {
  const frames = readSseFrames(body, options);
  const decoder = new TextDecoder();
  let relayed = 0;
  let response: Record<string, unknown> | undefined;
  let isTerminated = false;
  let failure: unknown;
  try {
    for (;;) {
      let next: Awaited<ReturnType<typeof frames.read>>;
      try {
        next = await frames.read();
      } catch (error) {
        if (describeUpstreamError(error) == null) throw error;
        failure = error;
        break;
      }
      if (next.done) {
        failure = new UpstreamConnectionError({
          message: 'The Codex stream ended before response.completed.',
          url: options.url,
          cause: undefined,
        });
        break;
      }
      const type = eventTypeOf(next.value, decoder);
      if (type != null) {
        relayed += 1;
        if (SNAPSHOT_TYPES.has(type)) response = readResponse(decoder.decode(next.value)) ?? response;
        isTerminated = TERMINAL_TYPES.has(type);
        if (isTerminated) options.onTerminal?.(type, readResponse(decoder.decode(next.value)));
      }
      yield next.value;
      // The answer is complete: the client's stream ends now, not when the upstream gets round to closing.
      if (isTerminated) return;
    }
    const described = describeUpstreamError(failure);
    options.onTerminal?.('response.failed', { error: { code: described?.code ?? 'upstream_error' } });
    yield {
      type: 'response.failed',
      sequence_number: relayed,
      response: {
        ...response,
        status: 'failed',
        error: {
          code: described?.code ?? 'upstream_error',
          message: described?.message ?? 'The upstream failed.',
        },
      },
    };
  } finally {
    if (isTerminated) void drain(frames);
    else await frames.cancel().catch(() => {});
  }
}

/** Upstream events after the terminal one are not read further than this; the connection is then let go. */
const MAX_READS_AFTER_END = 8;

/**
 * Reads what little follows the terminal event (normally just the end of the body), in the background, so the
 * connection goes back to the pool instead of being closed; anything longer or failing is cancelled or dropped.
 */
async function drain(frames: UpstreamBodyReader): Promise<void> {
  try {
    for (let read = 0; read < MAX_READS_AFTER_END; read += 1) {
      if ((await frames.read()).done) return;
    }
  } catch {
    return;
  }
  await frames.cancel().catch(() => {});
}

/**
 * An event's type: its `event:` line (the Codex backend names every event, docs/codex-protocol.md §6.1, so this is
 * read without touching the data), else the `type` of its JSON data; null for a comment or a blank.
 */
function eventTypeOf(bytes: Uint8Array, decoder: TextDecoder): string | null {
  if (startsWith(bytes, EVENT_FIELD)) {
    let end = bytes.indexOf(LF);
    const cr = bytes.indexOf(CR);
    if (end < 0 || (cr >= 0 && cr < end)) end = cr;
    const name = decoder.decode(bytes.subarray(EVENT_FIELD.length, end < 0 ? undefined : end)).trim();
    if (name !== '' && name !== 'message') return name;
  }
  const data = dataOf(decoder.decode(bytes));
  if (data == null) return null;
  try {
    const parsed = JSON.parse(data) as { type?: unknown } | null;
    return typeof parsed?.type === 'string' ? parsed.type : null;
  } catch {
    return null;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let index = 0; index < prefix.length; index += 1) if (bytes[index] !== prefix[index]) return false;
  return true;
}

/** The data of one event (its `data:` lines joined), or null when it has none. */
function dataOf(text: string): string | null {
  const data: string[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return data.length === 0 ? null : data.join('\n');
}

/** The response object of a `response.created` / `response.in_progress` event. */
function readResponse(text: string): Record<string, unknown> | undefined {
  try {
    const { response } = JSON.parse(dataOf(text) ?? 'null') as { response?: unknown };
    return response != null && typeof response === 'object' && !Array.isArray(response)
      ? (response as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
