import type { ServerResponse } from 'node:http';

export type SendHtmlPageOptions = {
  reply: ServerResponse;
  status?: number;
  title: string;
  /** Trusted markup: callers escape every interpolated value with `escapeHtml`. */
  body: string;
};

/** A minimal page; `data-testid`s inside `body` let browser tests drive it. */
export function sendHtmlPage(options: SendHtmlPageOptions): void {
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{margin-right:.5rem}</style>
</head>
<body>
<h1>${escapeHtml(options.title)}</h1>
${options.body}
</body>
</html>
`;
  options.reply.writeHead(options.status ?? 200, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  options.reply.end(html);
}

/** An error page that names the OAuth error code, so tests can assert it without scraping prose. */
export function sendHtmlErrorPage(options: {
  reply: ServerResponse;
  status: number;
  error: string;
  description: string;
}): void {
  sendHtmlPage({
    reply: options.reply,
    status: options.status,
    title: 'Authorization error',
    body: `<p data-testid="error" data-error="${escapeHtml(options.error)}"><code>${escapeHtml(options.error)}</code></p>
<p data-testid="error-description">${escapeHtml(options.description)}</p>`,
  });
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
