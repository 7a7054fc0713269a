export type SseResponseOptions = {
  status?: number;
  headers?: Record<string, string>;
  /** `null` leaves the content type out (the Codex backend sometimes does). Default `text/event-stream`. */
  contentType?: string | null;
  /** Add an `event: <type>` line before each JSON line that has a `type` (Codex/OpenAI Responses framing). */
  withEventNames?: boolean;
  /** Event separator; Google sends `\r\n\r\n`. */
  separator?: string;
  /** Append `data: [DONE]` (OpenAI chat completions framing). */
  done?: boolean;
  /** Split the body into chunks of this many bytes, to exercise events cut across reads. */
  chunkSize?: number;
  /** Keep the body open after the last line (for abort and idle tests). */
  keepOpen?: boolean;
  /** Write these strings verbatim after the framed lines (e.g. a bare JSON error without `data:`). */
  rawTail?: string[];
};

/** Re-adds SSE framing to fixture lines (one JSON per line) and serves them as a streaming `Response`. */
export function createSseResponse(lines: string[], options: SseResponseOptions = {}): Response {
  const separator = options.separator ?? '\n\n';
  let text = '';
  for (const line of lines) {
    if (line.startsWith(':')) {
      // An SSE comment (keep-alive, OpenRouter's ": OPENROUTER PROCESSING").
      text += `${line}${separator}`;
      continue;
    }
    const type = options.withEventNames === false ? undefined : readType(line);
    text += `${type != null ? `event: ${type}\n` : ''}data: ${line}${separator}`;
  }
  if (options.done) text += `data: [DONE]${separator}`;
  for (const raw of options.rawTail ?? []) text += raw;

  const bytes = new TextEncoder().encode(text);
  const chunkSize = options.chunkSize ?? bytes.length;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += Math.max(1, chunkSize)) {
        controller.enqueue(bytes.slice(offset, offset + Math.max(1, chunkSize)));
      }
      if (!options.keepOpen) controller.close();
    },
  });
  const headers = new Headers(options.headers);
  const contentType = options.contentType === undefined ? 'text/event-stream' : options.contentType;
  if (contentType != null) headers.set('content-type', contentType);
  return new Response(body, { status: options.status ?? 200, headers });
}

export function createJsonResponse(body: unknown, options: { status?: number; headers?: Record<string, string> } = {}) {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status: options.status ?? 200,
    headers: { 'content-type': 'application/json', ...options.headers },
  });
}

function readType(line: string): string | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value != null && 'type' in value && typeof value.type === 'string'
      ? value.type
      : undefined;
  } catch {
    return undefined;
  }
}
