import { DEFAULT_FAKE_GEMINI_API_KEY } from './gemini-api-fake.ts';

// Plain fetch, the way @google/genai talks to the API.

export const TIMEOUT_MS = 5000;
export const API_KEY = DEFAULT_FAKE_GEMINI_API_KEY;
export const USER_CONTENTS = [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }];

/** Sends `body` (a string as is) with the default key, unless `headers` say otherwise. */
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
