import type { ServerResponse } from 'node:http';
import type { FakeRequest } from '../fake-request.ts';
import { sendJson } from '../send-json.ts';

/** The harness's own 404, for method suffixes the fake does not serve (the real API answers those with HTML). */
export function sendGeminiNoRoute(options: {
  request: FakeRequest<Record<string, string>>;
  reply: ServerResponse;
}): void {
  const { request } = options;
  sendJson({
    reply: options.reply,
    status: 404,
    body: { error: `no route for ${request.method} ${request.path} in fake ${request.fakeName}` },
  });
}
