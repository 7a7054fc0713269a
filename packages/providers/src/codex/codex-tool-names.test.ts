import { describe, expect, it } from 'vitest';
import { CODEX_TOOL_NAME_PATTERN, CodexToolNames, toCodexToolName } from './codex-tool-names.ts';

describe('toCodexToolName', () => {
  it.each([
    ['get_weather', 'get_weather'],
    ['get-weather-2', 'get-weather-2'],
    ['notes.search', 'notes_search'],
    ['mcp/notes search', 'mcp_notes_search'],
    ['météo', 'm_t_o'],
    ['emoji 🌦', 'emoji__'],
    ['', '_'],
  ])('issue 14: should turn %j into %j', (name, expected) => {
    expect(toCodexToolName(name)).toBe(expected);
  });

  it('issue 14: should shorten a long name to 64 characters with a hash of the whole name', () => {
    const long = `mcp__server__${'a'.repeat(60)}`;
    const other = `mcp__server__${'a'.repeat(59)}b`;

    expect(toCodexToolName(long)).toHaveLength(64);
    expect(toCodexToolName(long)).toMatch(CODEX_TOOL_NAME_PATTERN);
    expect(toCodexToolName(long)).toBe(toCodexToolName(long));
    expect(toCodexToolName(long)).not.toBe(toCodexToolName(other));
    expect(toCodexToolName(`${'a'.repeat(64)}`)).toBe('a'.repeat(64));
  });
});

describe('CodexToolNames', () => {
  it('issue 14: should keep valid names, make cleaned ones unique and map both ways', () => {
    const names = new CodexToolNames(['a.b', 'a_b', 'a b', 'a.b', 'ok']);

    expect(['a.b', 'a_b', 'a b', 'ok'].map((name) => names.toCodex(name))).toEqual(['a_b_2', 'a_b', 'a_b_3', 'ok']);
    expect(['a_b_2', 'a_b', 'a_b_3', 'ok'].map((name) => names.fromCodex(name))).toEqual(['a.b', 'a_b', 'a b', 'ok']);
    expect(names.isUnchanged).toBe(false);
  });

  it('should keep a suffixed long name within 64 characters', () => {
    const base = 'x'.repeat(70);
    const names = new CodexToolNames([`${base}.`, `${base}/`]);

    expect(names.toCodex(`${base}.`)).not.toBe(names.toCodex(`${base}/`));
    for (const name of [`${base}.`, `${base}/`]) expect(names.toCodex(name).length).toBeLessThanOrEqual(64);
  });

  it('should pass unknown names through and clean names it was not given', () => {
    const names = new CodexToolNames(['get_weather']);

    expect(names.isUnchanged).toBe(true);
    expect(names.fromCodex('made_up')).toBe('made_up');
    expect(names.toCodex('not.listed')).toBe('not_listed');
  });
});
