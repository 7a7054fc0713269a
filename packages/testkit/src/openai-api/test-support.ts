import { DEFAULT_FAKE_OPENAI_API_KEY } from './openai-api-fake.ts';

// Plain fetch, the way an OpenAI client talks to the API.

export const TIMEOUT_MS = 5000;
export const API_KEY = DEFAULT_FAKE_OPENAI_API_KEY;
/** 2026-12-27T09:20:00Z in milliseconds, so `created` fields are stable. */
export const FIXED_NOW = 1_767_000_000_000;
export const USER_MESSAGES = [{ role: 'user', content: 'Hello there' }];

/** Sends `body` (a string as is) with the default key, another one, or none (`apiKey: null`). */
export function postJson(options: { url: string; body: unknown; apiKey?: string | null; signal?: AbortSignal }) {
  return fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization(options.apiKey) },
    body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    signal: options.signal ?? AbortSignal.timeout(TIMEOUT_MS),
  });
}

export function getJson(options: { url: string; apiKey?: string | null }): Promise<Response> {
  return fetch(options.url, { headers: authorization(options.apiKey), signal: AbortSignal.timeout(TIMEOUT_MS) });
}

function authorization(apiKey: string | null | undefined): Record<string, string> {
  return apiKey === null ? {} : { authorization: `Bearer ${apiKey ?? API_KEY}` };
}
