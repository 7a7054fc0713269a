import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { expect } from 'vitest';
import { ProviderError } from '../errors/provider-error.ts';
import { QuotaExceededError } from '../errors/quota-exceeded-error.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UsageLimitError } from '../errors/usage-limit-error.ts';
import { checkStreamContract } from './check-stream-contract.ts';
import { convertStreamToArray } from './convert-stream-to-array.ts';

export type Outcome = { parts: LanguageModelV3StreamPart[] } | { thrown: unknown };

const HELLO: LanguageModelV3Prompt = [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }];

/** Streams one call to the end, or returns what `doStream` threw. */
export async function runModel(
  model: LanguageModelV3,
  prompt: LanguageModelV3Prompt = HELLO,
  options: Omit<LanguageModelV3CallOptions, 'prompt'> = {},
): Promise<Outcome> {
  try {
    const { stream } = await model.doStream({ ...options, prompt });
    return { parts: await convertStreamToArray(stream) };
  } catch (thrown) {
    return { thrown };
  }
}

// `interrupted`: a response.incomplete for another reason than the output limit or the filter fails (issue 14).
const FAILURE = /error|disconnect|fail|limit|overloaded|unauthorized|quota|no-free-tier|before-output|interrupted/;

/**
 * Checks what a scenario's name promises (the fakes' and our fixtures share a vocabulary: `text`, `tool-call`,
 * `parallel-…`, `length`, `error-mid-stream`, `usage-limit`, …) against what the adapter produced; a stream must also
 * keep our contract.
 */
export function checkScenario(name: string, outcome: Outcome) {
  if ('thrown' in outcome) {
    expect(outcome.thrown, 'only our error classes may be thrown').toBeInstanceOf(ProviderError);
    expect(name, 'only failure scenarios may throw').toMatch(FAILURE);
    if (/usage-limit/.test(name)) expect(outcome.thrown).toBeInstanceOf(UsageLimitError);
    if (/(^|-)rate-limit$/.test(name)) expect(outcome.thrown).toMatchObject({ statusCode: 429, isRetryable: true });
    if (/overloaded|server-error/.test(name)) expect(outcome.thrown).toMatchObject({ isRetryable: true });
    if (/daily-quota|insufficient-quota|no-free-tier/.test(name))
      expect(outcome.thrown).toBeInstanceOf(QuotaExceededError);
    if (/unauthorized/.test(name)) {
      expect(outcome.thrown).toBeInstanceOf(UpstreamApiError);
      expect(outcome.thrown).toMatchObject({ statusCode: 401, isRetryable: false });
    }
    return;
  }
  const { parts } = outcome;
  expect(checkStreamContract(parts)).toEqual([]);
  const finish = parts.at(-1);
  const unified = finish?.type === 'finish' ? finish.finishReason.unified : undefined;
  const count = (type: string) => parts.filter((part) => part.type === type).length;
  const isFailure = FAILURE.test(name) && !/unparsable/.test(name);
  if (/unparsable/.test(name)) {
    expect(count('error')).toBeGreaterThan(0);
  } else if (isFailure) {
    expect(count('error')).toBeGreaterThan(0);
    expect(unified).toBe('error');
  } else if (/parallel/.test(name)) {
    expect(count('tool-call')).toBeGreaterThanOrEqual(2);
    expect(unified).toBe('tool-calls');
  } else if (/tool-call|function-call/.test(name)) {
    expect(count('tool-call')).toBeGreaterThanOrEqual(1);
    expect(unified).toBe('tool-calls');
  } else if (/content-filter|safety|blocked/.test(name)) {
    expect(unified).toBe('content-filter');
  } else if (/length|max-tokens|incomplete/.test(name)) {
    expect(unified).toBe('length');
  } else if (/text|empty-output|content-type|idle|unknown|usage|reasoning|thinking/.test(name)) {
    expect(count('text-delta')).toBeGreaterThan(0);
    expect(unified).toBe('stop');
  }
  if (/reasoning|thinking/.test(name)) expect(count('reasoning-delta')).toBeGreaterThan(0);
  if (!isFailure && !/unparsable/.test(name)) expect(count('error')).toBe(0);
}
