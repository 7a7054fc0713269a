import { fetchWithTimeout, postJson } from '../test-fetch.ts';
import { DEFAULT_FAKE_OPENAI_API_KEY } from './openai-api-fake.ts';

export const API_KEY = DEFAULT_FAKE_OPENAI_API_KEY;
/** 2026-12-27T09:20:00Z in milliseconds, so `created` fields are stable. */
export const FIXED_NOW = 1_767_000_000_000;
export const USER_MESSAGES = [{ role: 'user', content: 'Hello there' }];

/** Sends `body` with the default key, another one, or none (`apiKey: null`). */
export function postOpenAi(options: { url: string; body: unknown; apiKey?: string | null; signal?: AbortSignal }) {
  return postJson({ ...options, headers: authorization(options.apiKey) });
}

export function getJson(options: { url: string; apiKey?: string | null }): Promise<Response> {
  return fetchWithTimeout(options.url, { headers: authorization(options.apiKey) });
}

function authorization(apiKey: string | null | undefined): Record<string, string> {
  return apiKey === null ? {} : { authorization: `Bearer ${apiKey ?? API_KEY}` };
}
