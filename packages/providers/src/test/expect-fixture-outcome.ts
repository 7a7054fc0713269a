import { expect } from 'vitest';
import { ProviderError } from '../errors/provider-error.ts';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UsageLimitError } from '../errors/usage-limit-error.ts';
import type { Outcome } from './check-scenario.ts';
import { checkStreamContract } from './check-stream-contract.ts';
import type { FixtureExpectation } from './read-fixture-expectation.ts';

/** Checks what an adapter made of a recording against what the recording says (`readFixtureExpectation`). */
export function expectFixtureOutcome(expected: FixtureExpectation, outcome: Outcome): void {
  if (expected.outcome === 'thrown') {
    expect('thrown' in outcome ? undefined : outcome.parts, 'a failure before any output is thrown').toBeUndefined();
    const thrown = 'thrown' in outcome ? outcome.thrown : undefined;
    expect(thrown, 'only our error classes may be thrown').toBeInstanceOf(ProviderError);
    if (expected.errorKind === 'usage-limit') expect(thrown).toBeInstanceOf(UsageLimitError);
    if (expected.errorKind === 'connection') expect(thrown).toBeInstanceOf(UpstreamConnectionError);
    expect(thrown).toMatchObject({
      isRetryable: expected.isRetryable,
      ...(expected.statusCode == null ? {} : { statusCode: expected.statusCode }),
    });
    return;
  }
  expect('thrown' in outcome ? outcome.thrown : undefined, 'the recording has a stream to show').toBeUndefined();
  if ('thrown' in outcome) return;
  const { parts } = outcome;
  expect(checkStreamContract(parts)).toEqual([]);
  const joined = (type: 'text-delta' | 'reasoning-delta') =>
    parts.flatMap((part) => (part.type === type ? [part.delta] : [])).join('');
  const finish = parts.at(-1);
  expect({
    finish: finish?.type === 'finish' ? finish.finishReason.unified : undefined,
    text: joined('text-delta'),
    // Summary parts may be joined with a blank line by the adapter; the words are what must arrive.
    reasoning: joined('reasoning-delta').replaceAll(/\s+/g, ' ').trim(),
    toolCalls: parts.flatMap((part) =>
      part.type === 'tool-call' ? [{ name: part.toolName, input: JSON.parse(part.input) as unknown }] : [],
    ),
    errorParts: parts.filter((part) => part.type === 'error').length,
  }).toEqual({
    finish: expected.finish,
    text: expected.text,
    reasoning: expected.reasoning.replaceAll(/\s+/g, ' ').trim(),
    toolCalls: expected.toolCalls,
    errorParts: expected.errorParts,
  });
  if (expected.outputTokens != null && finish?.type === 'finish') {
    expect(finish.usage.outputTokens.total).toBe(expected.outputTokens);
  }
}
