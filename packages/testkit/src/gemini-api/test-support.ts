import { createParser } from 'eventsource-parser';
import { DEFAULT_FAKE_GEMINI_API_KEY } from './gemini-api-fake.ts';

/** Helpers shared by the gemini-api tests: plain fetch, the way @google/genai talks to the API. */

export const TIMEOUT_MS = 5000;
export const API_KEY = DEFAULT_FAKE_GEMINI_API_KEY;
export const USER_CONTENTS = [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }];

export function postGemini(options: {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}): Promise<Response> {
  return fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY, ...options.headers },
    body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    signal: options.signal ?? AbortSignal.timeout(TIMEOUT_MS),
  });
}

export type ParsedGeminiStream = {
  /** JSON of every `data:` event. */
  chunks: Record<string, ParsedJson>[];
  /** Lines the SSE parser reported as unknown fields: a bare error object written without `data:` shows up here. */
  unknownFields: string[];
  /** Text after the last event separator: where a bare error object sits. */
  trailingText: string;
  rawText: string;
  streamError: Error | undefined;
};

/** Reads an `alt=sse` body with eventsource-parser, keeping what arrived before a failure. */
export async function readGeminiSse(response: Response): Promise<ParsedGeminiStream> {
  const chunks: Record<string, ParsedJson>[] = [];
  const unknownFields: string[] = [];
  const parser = createParser({
    onEvent: (event) => chunks.push(JSON.parse(event.data) as Record<string, ParsedJson>),
    // A line with no colon is an unknown field named by the whole line; that is how a bare error shows up.
    onError: (error) => unknownFields.push(error.field ?? ''),
  });
  const decoder = new TextDecoder();
  let rawText = '';
  let streamError: Error | undefined;
  try {
    for await (const piece of response.body ?? []) {
      const text = decoder.decode(piece as Uint8Array, { stream: true });
      rawText += text;
      parser.feed(text);
    }
  } catch (error) {
    streamError = error as Error;
  }
  parser.reset({ consume: true });
  const separator = rawText.lastIndexOf('\r\n\r\n');
  return { chunks, unknownFields, trailingText: rawText.slice(separator + 4), rawText, streamError };
}

/** Each event of a raw `alt=sse` body as compact JSON, a bare error object included: the fixture format. */
export function toFixtureLines(rawText: string): string {
  return rawText
    .split('\r\n\r\n')
    .filter((block) => block.trim() !== '')
    .map((block) => `${JSON.stringify(JSON.parse(block.startsWith('data: ') ? block.slice(6) : block))}\n`)
    .join('');
}

/** A parsed JSON body as `JSON.parse` types it, so assertions can reach into deep response fields. */
export type ParsedJson = ReturnType<typeof JSON.parse>;
