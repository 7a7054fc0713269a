/** Upstream error bodies are kept for logs, but never more than 2 kB of them. */
export const MAX_RESPONSE_BODY_LENGTH = 2048;

export function truncateResponseBody(body: string | undefined): string | undefined {
  if (body == null || body.length <= MAX_RESPONSE_BODY_LENGTH) return body;
  return `${body.slice(0, MAX_RESPONSE_BODY_LENGTH)}…[truncated ${body.length - MAX_RESPONSE_BODY_LENGTH} chars]`;
}
