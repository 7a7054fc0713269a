/** Longest upstream wording we pass on to a user: a sentence, not a page. */
export const MAX_UPSTREAM_SUMMARY_LENGTH = 200;

/**
 * Control characters and the bidirectional-text controls: they could forge lines in a terminal or a log, or make
 * the text read differently from what it is.
 */
const UNPRINTABLE = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]+/gu;

/**
 * What a user may be told of an upstream's own words (an error message from its JSON envelope): control and
 * direction characters turned into spaces, whitespace collapsed, at most {@link MAX_UPSTREAM_SUMMARY_LENGTH}
 * characters. An upstream's raw body is never passed on: a base URL can point at a service that is not an AI API,
 * whose error page would leak through (issue 16); callers fall back to the status alone. Returns undefined when
 * nothing printable is left.
 */
export function summarizeUpstreamText(text: string | null | undefined): string | undefined {
  if (text == null) return undefined;
  const clean = text.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim();
  if (clean === '') return undefined;
  const characters = [...clean];
  if (characters.length <= MAX_UPSTREAM_SUMMARY_LENGTH) return clean;
  return `${characters.slice(0, MAX_UPSTREAM_SUMMARY_LENGTH - 1).join('')}…`;
}
