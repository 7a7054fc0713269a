/** The request log's filters as the page holds them; empty strings mean "any". */
export type RequestLogFilters = {
  from: string;
  to: string;
  /** `key:<id>`, `app:<clientId>` or '' (one select for both, as a request comes from a key or an app). */
  caller: string;
  status: '' | 'ok' | 'error';
  model: string;
  /** Rows per page (the server allows up to 500). */
  limit: number;
};

/**
 * The query string of `GET /api/usage/requests` for these filters: the JSON page and the CSV export share it, so
 * the export is exactly what the log shows (all pages of it). Empty filters are left out.
 */
export function toRequestLogSearch(
  filters: RequestLogFilters,
  extra: { cursor?: string | null; format?: 'csv' } = {},
): URLSearchParams {
  const search = new URLSearchParams({ from: filters.from, to: filters.to });
  const [kind, ...rest] = filters.caller.split(':');
  const callerId = rest.join(':');
  if (kind === 'key' && callerId !== '') search.set('keyId', callerId);
  if (kind === 'app' && callerId !== '') search.set('appClientId', callerId);
  if (filters.status !== '') search.set('status', filters.status);
  if (filters.model !== '') search.set('model', filters.model);
  if (extra.format === 'csv') search.set('format', 'csv');
  else search.set('limit', String(filters.limit));
  if (extra.cursor != null) search.set('cursor', extra.cursor);
  return search;
}
