import { createParser } from 'eventsource-parser';
import type { FakeOpenAiIssuedTokens } from '../openai-auth/create-fake-openai-auth-store.ts';
import type { FakeOpenAiAuth } from '../openai-auth/start-fake-openai-auth.ts';
import { startFakeOpenAiAuth } from '../openai-auth/start-fake-openai-auth.ts';
import type { FakeCodexBackend, FakeCodexBackendOptions } from './start-fake-codex-backend.ts';
import { startFakeCodexBackend } from './start-fake-codex-backend.ts';
import { verifyWithFakeOpenAiAuth } from './verify-with-fake-openai-auth.ts';

/** Helpers shared by the codex-backend tests: real loopback HTTP with global fetch, as a provider adapter talks. */

export const TIMEOUT_MS = 5000;

export type CodexTestRig = { auth: FakeOpenAiAuth; backend: FakeCodexBackend; tokens: FakeOpenAiIssuedTokens };

/** A fake auth server, a backend that only trusts its tokens, and one signed-in token set. */
export async function startCodexTestRig(options: FakeCodexBackendOptions = {}): Promise<CodexTestRig> {
  const auth = await startFakeOpenAiAuth();
  const backend = await startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(auth), ...options });
  const tokens = await auth.mintTokens();
  return { auth, backend, tokens };
}

/**
 * A body shaped like Codex 0.169's (docs/codex-protocol.md §10): developer message first, ids on items, no
 * `instructions`.
 */
export function codexRequestBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-5.5',
    stream: true,
    input: [
      {
        type: 'message',
        id: 'msg_dev',
        role: 'developer',
        content: [{ type: 'input_text', text: 'You are a helpful assistant.' }],
      },
      { type: 'message', id: 'msg_user', role: 'user', content: [{ type: 'input_text', text: 'say hi' }] },
    ],
    tools: [
      {
        type: 'function',
        name: 'get_weather',
        strict: false,
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    ],
    tool_choice: 'auto',
    parallel_tool_calls: true,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: 'thread-1',
    ...overrides,
  };
}

export type PostResponsesOptions = {
  rig: CodexTestRig;
  body: unknown;
  /** Replaces the default auth headers; `undefined` values drop one. */
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal;
};

export function postResponses(options: PostResponsesOptions): Promise<Response> {
  const { rig } = options;
  const headers = Object.fromEntries(
    Object.entries({
      authorization: `Bearer ${rig.tokens.accessToken}`,
      'chatgpt-account-id': rig.tokens.chatgptAccountId,
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...options.headers,
    }).filter((entry): entry is [string, string] => entry[1] != null),
  );
  return fetch(`${rig.backend.codexBaseUrl}/responses`, {
    method: 'POST',
    headers,
    body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    signal: options.signal ?? AbortSignal.timeout(TIMEOUT_MS),
  });
}

export function getWithAuth(options: { rig: CodexTestRig; path: string; headers?: Record<string, string> }) {
  return fetch(`${options.rig.backend.url}${options.path}`, {
    headers: {
      authorization: `Bearer ${options.rig.tokens.accessToken}`,
      'chatgpt-account-id': options.rig.tokens.chatgptAccountId,
      ...options.headers,
    },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}

export type ParsedSseEvent = { event: string | undefined; data: Record<string, unknown>; rawData: string };

/** Reads a whole SSE body with a spec-compliant parser; also returns the raw text to check framing. */
export async function readSseEvents(response: Response): Promise<{ events: ParsedSseEvent[]; text: string }> {
  const text = await response.text();
  const events: ParsedSseEvent[] = [];
  const parser = createParser({
    onEvent: (event) => events.push({ event: event.event, data: JSON.parse(event.data), rawData: event.data }),
  });
  parser.feed(text);
  return { events, text };
}

/** Reads SSE until the body ends or breaks; a cut connection is returned as `error`, not thrown. */
export async function readSseEventsUntilClose(
  response: Response,
): Promise<{ events: ParsedSseEvent[]; error: unknown; arrivals: number[] }> {
  const events: ParsedSseEvent[] = [];
  const arrivals: number[] = [];
  const parser = createParser({
    onEvent: (event) => {
      events.push({ event: event.event, data: JSON.parse(event.data), rawData: event.data });
      arrivals.push(Date.now());
    },
  });
  const decoder = new TextDecoder();
  let error: unknown;
  try {
    for await (const chunk of response.body ?? []) parser.feed(decoder.decode(chunk, { stream: true }));
  } catch (caught) {
    error = caught;
  }
  return { events, error, arrivals };
}
