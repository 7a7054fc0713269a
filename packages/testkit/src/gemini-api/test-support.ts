import { postJson } from '../test-fetch.ts';
import { DEFAULT_FAKE_GEMINI_API_KEY } from './gemini-api-fake.ts';

export const API_KEY = DEFAULT_FAKE_GEMINI_API_KEY;
export const USER_CONTENTS = [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }];

/** Sends `body` with the default key, unless `headers` say otherwise. */
export function postGemini(options: {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}) {
  return postJson({ ...options, headers: { 'x-goog-api-key': API_KEY, ...options.headers } });
}
