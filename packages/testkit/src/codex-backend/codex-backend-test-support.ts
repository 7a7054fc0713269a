import { readFileSync } from 'node:fs';
import { createParser } from 'eventsource-parser';
import type { FakeOpenAiAuth, FakeOpenAiIssuedTokens } from '../index.ts';
import { startFakeOpenAiAuth } from '../index.ts';
import type { FakeCodexBackend, FakeCodexBackendOptions } from './codex-backend-fake.ts';
import { startFakeCodexBackend } from './codex-backend-fake.ts';
import { verifyWithFakeOpenAiAuth } from './verify-with-fake-openai-auth.ts';

// Helpers shared by the codex-backend tests: real loopback HTTP with global fetch, as a provider adapter talks.
export const TIMEOUT_MS = 5000;

export type CodexTestRig = { auth: FakeOpenAiAuth; backend: FakeCodexBackend; tokens: FakeOpenAiIssuedTokens };

/** A fake auth server, a backend that only trusts its tokens, and one signed-in token set. */
export async function startCodexTestRig(options: FakeCodexBackendOptions = {}): Promise<CodexTestRig> {
  const auth = await startFakeOpenAiAuth();
  const backend = await startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(auth), ...options });
  return { auth, backend, tokens: await auth.mintTokens() };
}

/** A body shaped like Codex 0.169's (docs/codex-protocol.md §10), which every recorded fixture answers. */
export function codexRequestBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...JSON.parse(readFileSync(new URL('./__fixtures__/codex-request.json', import.meta.url), 'utf8')),
    ...overrides,
  };
}

/** The signed-in headers of `rig`, with `overrides` on top; an `undefined` value drops a header. */
function authHeaders(rig: CodexTestRig, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const { accessToken, chatgptAccountId } = rig.tokens;
  const headers = { authorization: `Bearer ${accessToken}`, 'chatgpt-account-id': chatgptAccountId, ...overrides };
  return JSON.parse(JSON.stringify(headers)); // drops the undefined ones
}

/** `fetch` that gives up after `TIMEOUT_MS` unless given its own signal, so a hung fake fails the test. */
export function fetchWithTimeout(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), ...init });
}

export function postResponses(options: {
  rig: CodexTestRig;
  body: unknown;
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal;
}): Promise<Response> {
  const { rig, body } = options;
  return fetchWithTimeout(`${rig.backend.codexBaseUrl}/responses`, {
    method: 'POST',
    headers: authHeaders(rig, { 'content-type': 'application/json', accept: 'text/event-stream', ...options.headers }),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(options.signal == null ? {} : { signal: options.signal }),
  });
}

export function getWithAuth(options: { rig: CodexTestRig; path: string; headers?: Record<string, string> }) {
  const { rig, path, headers } = options;
  return fetchWithTimeout(`${rig.backend.url}${path}`, { headers: authHeaders(rig, headers) });
}

export type ParsedSseEvent = { event: string | undefined; data: Record<string, unknown>; rawData: string };

/** Reads SSE until the body ends or breaks: events, their arrival times, the raw text and a cut as `error`. */
export async function readSseEvents(response: Response) {
  const events: ParsedSseEvent[] = [];
  const arrivals: number[] = [];
  const parser = createParser({
    onEvent: (event) => {
      events.push({ event: event.event, data: JSON.parse(event.data), rawData: event.data });
      arrivals.push(Date.now());
    },
  });
  const decoder = new TextDecoder();
  let text = '';
  let error: unknown;
  try {
    for await (const chunk of response.body ?? []) {
      const decoded = decoder.decode(chunk, { stream: true });
      text += decoded;
      parser.feed(decoded);
    }
  } catch (caught) {
    error = caught;
  }
  return { events, text, error, arrivals };
}
