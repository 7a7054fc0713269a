import type { FeatureName, OutputSchema } from '@pag/contracts';

/**
 * The built-in features: system prompts a note app can ask for by name. The note's text arrives as the user
 * message. Users may replace any prompt and pick a default model per feature (feature_overrides).
 */
export const BUILTIN_FEATURE_PROMPTS: Readonly<Record<FeatureName, string>> = {
  insight:
    'You help someone think about their own notes. Point out the key ideas, connections, open questions and ' +
    'possible next steps in the note. Be concise and concrete; use short bullet points.',
  summarize:
    'Summarize the note faithfully in a few sentences. Keep names, numbers and decisions; do not add anything ' +
    'that is not in the note.',
  rewrite:
    'Rewrite the note to be clear and well structured while keeping its meaning, facts and tone. Answer with the ' +
    'rewritten text only.',
  tags:
    'Suggest 3 to 7 short topic tags for the note, lowercase, most relevant first. Answer with JSON of the form ' +
    '{"tags": ["first", "second"]}.',
  translate:
    'Translate the note into English, or into the language the note asks for. Keep formatting, names and code ' +
    'unchanged. Answer with the translation only.',
};

/** Built-in features whose answer is JSON: `tags` answers `{ tags: string[] }`, returned parsed as `output`. */
export const BUILTIN_FEATURE_SCHEMAS: Readonly<Partial<Record<FeatureName, OutputSchema>>> = {
  tags: {
    type: 'object',
    properties: { tags: { type: 'array', items: { type: 'string' }, description: 'Topic tags, most relevant first.' } },
    required: ['tags'],
    additionalProperties: false,
  },
};
