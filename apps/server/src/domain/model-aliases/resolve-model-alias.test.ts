import { describe, expect, it } from 'vitest';
import { resolveModelAlias } from './resolve-model-alias.ts';

const ALIASES = [
  { pattern: '*', target: 'chatgpt/gpt-5.5' },
  { pattern: 'claude-*', target: 'chatgpt/gpt-5.4' },
  { pattern: 'claude-haiku-*', target: 'chatgpt/gpt-5.4-mini' },
  { pattern: 'claude-haiku-4-5', target: 'openai/gpt-4.1-mini' },
  { pattern: 'chatgpt/gpt-old', target: 'chatgpt/gpt-5.5' },
];

describe('resolveModelAlias', () => {
  it.each([
    ['claude-haiku-4-5', 'openai/gpt-4.1-mini'],
    ['claude-haiku-3', 'chatgpt/gpt-5.4-mini'],
    ['claude-sonnet-4-5-20250929', 'chatgpt/gpt-5.4'],
    ['gpt-4', 'chatgpt/gpt-5.5'],
    ['chatgpt/gpt-5.4', 'chatgpt/gpt-5.4'],
    ['chatgpt/gpt-old', 'chatgpt/gpt-5.5'],
  ])('issue 20: resolves %s to %s (exact, id as is, longest prefix, then *)', (name, target) => {
    expect(resolveModelAlias(name, ALIASES)).toBe(target);
  });

  it('issue 20: leaves a name unchanged when nothing matches', () => {
    expect(resolveModelAlias('claude-opus-4', ALIASES.slice(2))).toBe('claude-opus-4');
    expect(resolveModelAlias('claude-opus-4', [])).toBe('claude-opus-4');
  });
});
