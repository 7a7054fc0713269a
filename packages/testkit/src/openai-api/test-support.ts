import type { EventSourceMessage } from 'eventsource-parser';
import { createParser } from 'eventsource-parser';
import { DEFAULT_FAKE_OPENAI_API_KEY } from './openai-api-fake.ts';

/** Helpers shared by the openai-api tests: plain fetch, the way an OpenAI client talks to the API. */

export const TIMEOUT_MS = 5000;
export const API_KEY = DEFAULT_FAKE_OPENAI_API_KEY;
/** 2026-12-27T09:20:00Z in milliseconds, so `created` fields are stable. */
export const FIXED_NOW = 1_767_000_000_000;
export const USER_MESSAGES = [{ role: 'user', content: 'Hello there' }];

export function postJson(options: {
  url: string;
  body: unknown;
  apiKey?: string | null;
  signal?: AbortSignal;
}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey !== null) headers.authorization = `Bearer ${options.apiKey ?? API_KEY}`;
  return fetch(options.url, {
    method: 'POST',
    headers,
    body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    signal: options.signal ?? AbortSignal.timeout(TIMEOUT_MS),
  });
}

export function getJson(options: { url: string; apiKey?: string | null }): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.apiKey !== null) headers.authorization = `Bearer ${options.apiKey ?? API_KEY}`;
  return fetch(options.url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
}

export type ParsedStream = {
  events: EventSourceMessage[];
  /** Data of every event, JSON-parsed except `[DONE]`. */
  data: unknown[];
  /** Set when the body failed before it ended (a dropped connection). */
  streamError: Error | undefined;
};

/** Reads an SSE body with eventsource-parser, as the gateway's adapters do, keeping what arrived before a failure. */
export async function readSse(response: Response): Promise<ParsedStream> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  const decoder = new TextDecoder();
  let streamError: Error | undefined;
  try {
    for await (const chunk of response.body ?? []) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
  } catch (error) {
    streamError = error as Error;
  }
  const data = events.map((event) => (event.data === '[DONE]' ? event.data : (JSON.parse(event.data) as unknown)));
  return { events, data, streamError };
}

/** A parsed JSON body as `JSON.parse` types it, so assertions can reach into deep response fields. */
export type ParsedJson = ReturnType<typeof JSON.parse>;
