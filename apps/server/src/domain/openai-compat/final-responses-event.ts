import type { LanguageModelV3StreamPart } from '@pag/providers';
import { createResponsesTranslator } from './responses-translator.ts';
import type { ResponsesEvent } from './to-responses-events.ts';

/**
 * The last Responses event of a whole answer — `response.completed` / `incomplete` / `failed`, whose `response` is
 * the non-stream answer — from the same translation the stream uses, so both answers agree. The events before it are
 * built as the stream's are, but run through synchronously: no async stage per event (issue 22 profile). An upstream
 * failure is rethrown (`shouldThrowErrors`), for the route to answer with an HTTP error.
 */
export async function finalResponsesEvent(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: { model: string; request: Record<string, unknown> },
): Promise<ResponsesEvent | undefined> {
  const translator = createResponsesTranslator({ ...options, shouldThrowErrors: true });
  let last: ResponsesEvent | undefined;
  for (const event of translator.begin()) last = event;
  for await (const part of parts) {
    for (const event of translator.translate(part)) last = event;
    if (translator.isDone) return last;
  }
  for (const event of translator.end()) last = event;
  return last;
}
