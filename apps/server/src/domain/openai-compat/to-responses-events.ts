import type { LanguageModelV3StreamPart } from '@pag/providers';
import { createResponsesTranslator } from './responses-translator.ts';

export type ResponsesEvent = { type: string; sequence_number: number } & Record<string, unknown>;

/** An answer's parts as the Responses API event stream (`createResponsesTranslator`). */
export async function* toResponsesEvents(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: Parameters<typeof createResponsesTranslator>[0],
): AsyncGenerator<ResponsesEvent> {
  const translator = createResponsesTranslator(options);
  yield* translator.begin();
  for await (const part of parts) {
    yield* translator.translate(part);
    if (translator.isDone) return;
  }
  yield* translator.end();
}
