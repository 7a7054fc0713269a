import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Answers with a JSON body and ends the response. */
export function sendJson(options: {
  reply: ServerResponse;
  status?: number;
  body: unknown;
  headers?: OutgoingHttpHeaders;
}): void {
  const text = JSON.stringify(options.body);
  options.reply.writeHead(options.status ?? 200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...options.headers,
  });
  options.reply.end(text);
}
