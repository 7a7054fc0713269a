import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CODEX_FIXTURES, readFixtureLines } from '../test/read-fixture-lines.ts';
import { codexChunkSchema, parseCodexChunk } from './codex-api.ts';

// Issue 7: chunks are parsed by the schema of their own type instead of trying the whole union in turn. The result
// must be the union's, for every recorded event and for the malformed ones the union sends to its fallback.
describe('parseCodexChunk', () => {
  const recorded = readdirSync(CODEX_FIXTURES)
    .filter((name) => name.endsWith('.chunks.txt'))
    .flatMap((name) => readFixtureLines(CODEX_FIXTURES, name.replace(/\.chunks\.txt$/, '')))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as unknown];
      } catch {
        return []; // The recorded unparsable chunk is the adapter's concern, not the schema's.
      }
    });

  it('should give the union’s result for every recorded event', () => {
    expect(recorded.length).toBeGreaterThan(50);
    for (const json of recorded) {
      const union = codexChunkSchema.safeParse(json);
      expect(parseCodexChunk(json)).toEqual(union);
    }
  });

  it.each([
    ['a known type with malformed fields', { type: 'response.output_text.delta', item_id: 1, delta: 'x' }],
    ['an unknown type', { type: 'response.audio.delta', delta: 'AAAA' }],
    // Issue 22: an unknown type is answered without the catch-all's parse; its result must still be the union's.
    ['an unknown type with the whole text', { type: 'response.output_text.done', item_id: 'm', text: 'Hello.' }],
    ['an empty type', { type: '' }],
    ['a type named like an object key', { type: 'constructor' }],
    ['a type that is not a string', { type: 7 }],
    ['an array', [{ type: 'response.created' }]],
    ['null', null],
    ['no type', { delta: 'x' }],
    ['not an object', 'response.created'],
    ['a lifecycle event without its response', { type: 'response.completed' }],
    // Issue 22: deltas are checked by hand; these sit on the edges of that check.
    ['a delta with fields of its own', { type: 'response.output_text.delta', item_id: 'm', delta: 'x', logprobs: [] }],
    ['a delta without its text', { type: 'response.output_text.delta', item_id: 'm' }],
    [
      'a reasoning delta with a malformed index',
      { type: 'response.reasoning_summary_text.delta', item_id: 'r', delta: 'x', summary_index: '0' },
    ],
    [
      'a reasoning delta with null indexes',
      { type: 'response.reasoning_text.delta', item_id: 'r', delta: 'x', summary_index: null, content_index: null },
    ],
  ])('should agree with the union on %s', (_name, json) => {
    const union = codexChunkSchema.safeParse(json);
    const parsed = parseCodexChunk(json);
    expect(parsed.success).toBe(union.success);
    if (union.success) expect(parsed.data).toEqual(union.data);
  });
});
