import { describe, expect, it } from 'vitest';
import { cosineSimilarity, rankRelatedNotes } from './rank-related-notes.ts';

describe('cosineSimilarity', () => {
  it('issue 18: is 1 for the same direction, 0 for orthogonal vectors and for a zero vector', () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBeCloseTo(-1);
  });

  it('issue 18: refuses vectors of different lengths', () => {
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(RangeError);
  });
});

describe('rankRelatedNotes', () => {
  it('issue 18: orders the other notes by similarity to the first embedding and keeps the best ones', () => {
    const ranked = rankRelatedNotes({
      candidates: ['far', 'close', 'middle'],
      embeddings: [
        [1, 0],
        [0, 1],
        [1, 0.1],
        [1, 1],
      ],
      limit: 2,
    });
    expect(ranked.map((entry) => entry.candidate)).toEqual(['close', 'middle']);
    expect(ranked[0]?.similarity).toBeGreaterThan(ranked[1]?.similarity ?? 1);
  });

  it('issue 18: refuses an answer with a different number of embeddings than notes', () => {
    expect(() => rankRelatedNotes({ candidates: ['a', 'b'], embeddings: [[1], [1]], limit: 3 })).toThrow(RangeError);
  });
});
