/** Which requests a fault or a lookup applies to; an empty match applies to every request. */
export type RequestMatch = {
  /** Compared case-insensitively. */
  method?: string;
  /** A string must equal the path exactly (no query); a RegExp is tested against it. */
  path?: string | RegExp;
};

export type MatchesRequestOptions = {
  match: RequestMatch;
  method: string;
  path: string;
};

export function matchesRequest(options: MatchesRequestOptions): boolean {
  const { match } = options;
  if (match.method != null && match.method.toUpperCase() !== options.method.toUpperCase()) return false;
  if (match.path == null) return true;
  if (typeof match.path === 'string') return match.path === options.path;
  // A global or sticky RegExp keeps `lastIndex` between calls, so reset it to match the same path every time.
  match.path.lastIndex = 0;
  return match.path.test(options.path);
}
