import { codexStreamFailureToProviderError } from '@pag/providers';
import { EventSourceParserStream } from 'eventsource-parser/stream';

/**
 * The whole Responses object from a Codex event stream, for clients that did not ask to stream (the backend always
 * streams). `response.completed.output` may be empty although items were streamed (codex-protocol.md §6), so the
 * output is rebuilt from `response.output_item.done` events then. A failure becomes the typed error it stands for.
 */
export async function collectCodexResponse(options: {
  body: ReadableStream<Uint8Array>;
  url: string;
}): Promise<Record<string, unknown>> {
  const items: unknown[] = [];
  const events = options.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  for await (const message of events) {
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
      throw codexStreamFailureToProviderError({ url: options.url, error });
    }
  }
  throw codexStreamFailureToProviderError({
    url: options.url,
    error: { message: 'The Codex stream ended before the response completed.' },
  });
}
