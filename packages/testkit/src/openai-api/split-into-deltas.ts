/**
 * Splits text into at most `count` pieces of near-equal length, by code point so no surrogate pair is cut. Empty text
 * gives no pieces.
 */
export function splitIntoDeltas(options: { text: string; count: number }): string[] {
  const characters = Array.from(options.text);
  const pieces = Math.min(Math.max(1, options.count), characters.length);
  const deltas: string[] = [];
  for (let index = 0; index < pieces; index += 1) {
    const start = Math.floor((index * characters.length) / pieces);
    const end = Math.floor(((index + 1) * characters.length) / pieces);
    deltas.push(characters.slice(start, end).join(''));
  }
  return deltas;
}

/** The fake's token count: about four characters a token, never zero for non-empty text. */
export function estimateTokens(text: string): number {
  return Math.ceil(Array.from(text).length / 4);
}
