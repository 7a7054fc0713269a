/**
 * Reads how long the upstream asked us to wait: `retry-after-ms` (OpenAI), then `Retry-After` as seconds or as an
 * HTTP date. Returns seconds, or undefined when absent or unparsable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function parseRetryAfter(
  headers: Headers | Record<string, string> | undefined,
  now = Date.now(),
): number | undefined {
  if (headers == null) return undefined;
  const get = (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    return key == null ? undefined : headers[key];
  };
  const milliseconds = get('retry-after-ms');
  if (milliseconds != null && /^\d+(\.\d+)?$/.test(milliseconds.trim())) return Number(milliseconds) / 1000;
  const value = get('retry-after')?.trim();
  if (value == null || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.round((date - now) / 1000));
}
