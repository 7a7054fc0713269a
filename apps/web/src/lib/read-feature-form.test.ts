import { describe, expect, it } from 'vitest';
import {
  type FeatureFormValues,
  readFeatureChanges,
  readNewFeatureForm,
  toFeatureFormValues,
} from './read-feature-form.ts';

const blank: FeatureFormValues = { name: '', prompt: '', model: '', reasoningEffort: '', schemaText: '' };
const SCHEMA = {
  type: 'object',
  properties: { headings: { type: 'array', items: { type: 'string' } } },
  required: ['headings'],
  additionalProperties: false,
};

describe('issue 18: the feature form', () => {
  it('issue 18: reads a new feature with a schema, effort and model', () => {
    const read = readNewFeatureForm({
      name: ' outline ',
      prompt: ' Outline the note. ',
      model: 'chatgpt/gpt-5.5',
      reasoningEffort: 'low',
      schemaText: JSON.stringify(SCHEMA),
    });
    expect(read).toEqual({
      ok: true,
      value: {
        name: 'outline',
        prompt: 'Outline the note.',
        model: 'chatgpt/gpt-5.5',
        reasoningEffort: 'low',
        schema: SCHEMA,
      },
    });
  });

  it('issue 18: an empty schema box and model mean none', () => {
    const read = readNewFeatureForm({ ...blank, name: 'plain', prompt: 'Be brief.' });
    expect(read).toEqual({
      ok: true,
      value: { name: 'plain', prompt: 'Be brief.', model: null, reasoningEffort: null, schema: null },
    });
  });

  it('issue 18: says what is wrong with each field', () => {
    expect(readNewFeatureForm({ ...blank, name: 'Bad Name', prompt: '' })).toEqual({
      ok: false,
      errors: {
        name: 'must be 1-40 lowercase letters, digits or dashes, starting with a letter',
        prompt: 'must not be empty',
      },
    });
    expect(readNewFeatureForm({ ...blank, name: 'x', prompt: 'p', schemaText: '{ nope' })).toMatchObject({
      ok: false,
      errors: { schemaText: expect.stringMatching(/^is not JSON/) },
    });
    expect(readNewFeatureForm({ ...blank, name: 'x', prompt: 'p', schemaText: '[1]' })).toEqual({
      ok: false,
      errors: { schemaText: 'must be a JSON Schema object, e.g. { "type": "object", … }' },
    });
    expect(readNewFeatureForm({ ...blank, name: 'x', prompt: 'p', schemaText: '{"type":"array"}' })).toMatchObject({
      ok: false,
      errors: { schemaText: expect.stringMatching(/must describe an object/) },
    });
  });

  it('issue 18: a built-in feature sends prompt and model only; an own feature everything', () => {
    const values = toFeatureFormValues({
      name: 'outline',
      prompt: 'Outline.',
      model: null,
      reasoningEffort: 'high',
      schema: SCHEMA,
    });
    expect(values.schemaText).toBe(JSON.stringify(SCHEMA, null, 2));
    expect(readFeatureChanges(values, true)).toEqual({ ok: true, value: { prompt: 'Outline.', model: null } });
    expect(readFeatureChanges(values, false)).toEqual({
      ok: true,
      value: { prompt: 'Outline.', model: null, reasoningEffort: 'high', schema: SCHEMA },
    });
    expect(readFeatureChanges({ ...values, schemaText: '' }, false)).toMatchObject({
      ok: true,
      value: { schema: null },
    });
  });
});
