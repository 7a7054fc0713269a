/** Splits text into at most `count` pieces of near-equal length, by code point so no surrogate pair is cut. */
export function splitIntoDeltas(options: { text: string; count: number }): string[] {
  const characters = Array.from(options.text);
  const pieces = Math.min(Math.max(1, options.count), characters.length);
  return Array.from({ length: pieces }, (_piece, index) =>
    characters
      .slice(Math.floor((index * characters.length) / pieces), Math.floor(((index + 1) * characters.length) / pieces))
      .join(''),
  );
}

/** The fakes' token count: about four characters a token, never zero for non-empty text. */
export function estimateTokens(text: string): number {
  return Math.ceil(Array.from(text).length / 4);
}
