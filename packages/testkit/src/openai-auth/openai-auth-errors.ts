import type { ServerResponse } from 'node:http';
import { sendJson } from '../send-json.ts';

/**
 * The two error envelopes auth.openai.com uses (docs/codex-protocol.md §2.3): RFC 6749 style for OAuth validation, and
 * the OpenAI API style for the refresh-token family and device polling.
 */
export function sendOAuthError(options: {
  reply: ServerResponse;
  status: number;
  error: string;
  description: string;
}): void {
  sendJson({
    reply: options.reply,
    status: options.status,
    body: { error: options.error, error_description: options.description },
    headers: { 'cache-control': 'no-store' },
  });
}

export function sendOpenAiError(options: {
  reply: ServerResponse;
  status: number;
  code: string;
  message: string;
  param?: string | null;
}): void {
  sendJson({
    reply: options.reply,
    status: options.status,
    body: {
      error: {
        message: options.message,
        type: 'invalid_request_error',
        param: options.param ?? null,
        code: options.code,
      },
    },
    headers: { 'cache-control': 'no-store' },
  });
}
