import {
  codexStreamFailureToProviderError,
  readSseEvents,
  type SseEventReader,
  toTransportError,
  type UpstreamBodyReader,
} from '@pag/providers';

/**
 * The whole Responses object from a Codex event stream, for clients that did not ask to stream (the backend always
 * streams). `response.completed.output` may be empty although items were streamed (docs/codex-protocol.md §6), so the
 * output is rebuilt from `response.output_item.done` events then. A failure — reported in the stream, the stream
 * ending early, or the connection failing — becomes the typed error it stands for.
 */
export async function collectCodexResponse(options: {
  body: UpstreamBodyReader;
  url: string;
}): Promise<Record<string, unknown>> {
  const events = readSseEvents(options.body);
  try {
    return await collect(events, options.url);
  } finally {
    // Stops reading whatever follows the completed response (and frees the connection on a failure).
    await events.cancel().catch(() => {});
  }
}

async function collect(events: SseEventReader, url: string): Promise<Record<string, unknown>> {
  const items: unknown[] = [];
  // A read that fails (a cut connection, the idle timeout) is the upstream's failure, typed; never our 500.
  const read = () =>
    events.read().catch((error: unknown) => Promise.reject(toTransportError(error, url, { isReadingBody: true })));
  for (let next = await read(); !next.done; next = await read()) {
    const message = next.value;
    let event: { type?: string; item?: unknown; response?: Record<string, unknown>; error?: unknown };
    try {
      event = JSON.parse(message.data) as typeof event;
    } catch {
      continue;
    }
    const type = event.type ?? message.event;
    if (type === 'response.output_item.done' && event.item != null) items.push(event.item);
    if ((type === 'response.completed' || type === 'response.incomplete') && event.response != null) {
      const output = event.response.output;
      return Array.isArray(output) && output.length > 0 ? event.response : { ...event.response, output: items };
    }
    if (type === 'response.failed' || type === 'error') {
      const error = (type === 'error' ? event.error : event.response?.error) as Parameters<
        typeof codexStreamFailureToProviderError
      >[0]['error'];
      throw codexStreamFailureToProviderError({ url, error });
    }
  }
  throw codexStreamFailureToProviderError({
    url,
    error: { message: 'The Codex stream ended before the response completed.' },
  });
}
