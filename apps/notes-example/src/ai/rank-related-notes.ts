/** Cosine similarity of two vectors of the same length (0 when either is all zeros). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length (${a.length} and ${b.length})`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index += 1) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/**
 * The other notes ordered by how close their embedding is to the note's, best first, at most `limit` of them.
 * `embeddings[0]` is the note's own, then one per candidate in order (one `embed` call for all of them).
 */
export function rankRelatedNotes<Candidate>(options: {
  candidates: readonly Candidate[];
  embeddings: readonly (readonly number[])[];
  limit: number;
}): { candidate: Candidate; similarity: number }[] {
  const [own, ...others] = options.embeddings;
  if (own == null || others.length !== options.candidates.length) {
    throw new RangeError(`expected ${options.candidates.length + 1} embeddings, got ${options.embeddings.length}`);
  }
  return options.candidates
    .map((candidate, index) => ({ candidate, similarity: cosineSimilarity(own, others[index] ?? []) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, options.limit);
}
