import { readFileSync } from 'node:fs';
import type { FakeOpenAiAuth, FakeOpenAiIssuedTokens } from '../index.ts';
import { startFakeOpenAiAuth } from '../index.ts';
import { fetchWithTimeout, postJson } from '../test-fetch.ts';
import type { FakeCodexBackend, FakeCodexBackendOptions } from './codex-backend-fake.ts';
import { startFakeCodexBackend } from './codex-backend-fake.ts';
import { verifyWithFakeOpenAiAuth } from './verify-with-fake-openai-auth.ts';

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

export function postResponses(options: {
  rig: CodexTestRig;
  body: unknown;
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal;
}): Promise<Response> {
  const { rig, body, signal } = options;
  const headers = authHeaders(rig, { accept: 'text/event-stream', ...options.headers });
  return postJson({ url: `${rig.backend.codexBaseUrl}/responses`, body, headers, signal });
}

export function getWithAuth(options: { rig: CodexTestRig; path: string; headers?: Record<string, string> }) {
  const { rig, path, headers } = options;
  return fetchWithTimeout(`${rig.backend.url}${path}`, { headers: authHeaders(rig, headers) });
}
