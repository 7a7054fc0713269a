import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { readSseBody } from '../read-sse-body.ts';
import { codexRequestBody, postResponses, startCodexTestRig } from './codex-backend-test-support.ts';
import { DEFAULT_FAKE_CODEX_MODELS } from './codex-model-catalogue.ts';

afterEach(closeAllFakeServers);

const TAGS_SCHEMA = {
  type: 'object',
  properties: { tags: { type: 'array', items: { type: 'string' } } },
  required: ['tags'],
  additionalProperties: false,
};
const format = (schema: unknown, extra: Record<string, unknown> = {}) => ({
  text: { format: { type: 'json_schema', name: 'note_output', strict: true, schema, ...extra } },
});
const refusal = (message: string, param = 'text.format.schema', code = 'invalid_json_schema') => ({
  error: { message, type: 'invalid_request_error', param, code },
});
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const withImage = (imageUrl: unknown) => ({
  instructions: 'Describe images.',
  input: [
    {
      type: 'message',
      role: 'user',
      content: [
        { type: 'input_text', text: 'What is in the picture?' },
        { type: 'input_image', image_url: imageUrl },
      ],
    },
  ],
});

describe('issue 18: the fake Codex backend checks text.format as strictly as the real one', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    [
      'a strict object without additionalProperties: false',
      format({ type: 'object', properties: { tags: { type: 'string' } }, required: ['tags'] }),
      refusal(
        "Invalid schema for response_format 'note_output': In context=(), 'additionalProperties' is required to be supplied and to be false.",
      ),
    ],
    [
      'a strict object with a property missing from required',
      format({ ...TAGS_SCHEMA, properties: { ...TAGS_SCHEMA.properties, note: { type: 'string' } } }),
      refusal(
        "Invalid schema for response_format 'note_output': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'note'.",
      ),
    ],
    [
      'a nested object breaking the rules',
      format({
        ...TAGS_SCHEMA,
        properties: { tags: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } },
      }),
      refusal(
        "Invalid schema for response_format 'note_output': In context=('properties', 'tags', 'items'), 'additionalProperties' is required to be supplied and to be false.",
      ),
    ],
    [
      'a strict schema whose root is not an object',
      format({ type: 'array', items: { type: 'string' } }),
      refusal(
        `Invalid schema for response_format 'note_output': schema must be a JSON Schema of 'type: "object"', got 'type: "array"'.`,
      ),
    ],
    [
      'a strict schema without a type',
      format({ properties: {} }),
      refusal(
        `Invalid schema for response_format 'note_output': schema must be a JSON Schema of 'type: "object"', got 'type: "None"'.`,
      ),
    ],
    [
      'a json_schema format without a name',
      { text: { format: { type: 'json_schema', strict: true, schema: TAGS_SCHEMA } } },
      refusal("Missing required parameter: 'text.format.name'.", 'text.format.name', 'missing_required_parameter'),
    ],
    [
      'an unknown format type',
      { text: { format: { type: 'yaml' } } },
      refusal(
        "Invalid value: 'yaml'. Supported values are: 'text', 'json_object', and 'json_schema'.",
        'text.format.type',
        'invalid_value',
      ),
    ],
  ])('issue 18: refuses %s with a 400', async (_name, overrides, expected) => {
    const rig = await startCodexTestRig();
    const response = await postResponses({ rig, body: codexRequestBody(overrides) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(expected);
  });

  it('issue 18: takes a non-strict schema as it is, and a strict one in the strict subset', async () => {
    const rig = await startCodexTestRig();
    const loose = await postResponses({
      rig,
      body: codexRequestBody(format({ type: 'object', properties: { a: { type: 'string' } } }, { strict: false })),
    });
    expect(loose.status).toBe(200);
    await loose.body?.cancel();
    const strict = await postResponses({ rig, body: codexRequestBody(format(TAGS_SCHEMA)) });
    expect(strict.status).toBe(200);
    await strict.body?.cancel();
  });

  it('issue 18: the json scenario answers JSON text matching the requested schema', async () => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios('json');
    const response = await postResponses({ rig, body: codexRequestBody(format(TAGS_SCHEMA)) });
    const { data } = await readSseBody(response);
    const done = data.find((event) => event?.type === 'response.output_text.done');
    expect(JSON.parse(done.text)).toEqual({ tags: ['fake'] });
  });
});

describe('issue 18: the fake Codex backend checks input_image parts', () => {
  it('issue 18: takes a png data URL on a model that lists image in input_modalities', async () => {
    const rig = await startCodexTestRig();
    const response = await postResponses({ rig, body: codexRequestBody(withImage(PNG)) });
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });

  it('issue 18: refuses a data URL that is not an image, and a non-string image_url', async () => {
    const rig = await startCodexTestRig();
    const notImage = await postResponses({ rig, body: codexRequestBody(withImage('data:text/plain;base64,aGk=')) });
    expect(notImage.status).toBe(400);
    expect(await notImage.json()).toEqual(
      refusal(
        'The image data you provided does not represent a valid image.',
        'input[0].content[1].image_url',
        'invalid_image',
      ),
    );
    const object = await postResponses({ rig, body: codexRequestBody(withImage({ url: PNG })) });
    expect(object.status).toBe(400);
  });

  it('issue 18: a model whose input_modalities lack image refuses images, and lists its modalities', async () => {
    const textOnly = { slug: 'gpt-text-only', efforts: ['low', 'medium'], inputModalities: ['text'] };
    const rig = await startCodexTestRig({ models: [...DEFAULT_FAKE_CODEX_MODELS, textOnly] });
    const response = await postResponses({
      rig,
      body: codexRequestBody({ model: 'gpt-text-only', ...withImage(PNG) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(
      refusal(
        "The 'gpt-text-only' model does not support image inputs.",
        'input[0].content[1].image_url',
        'unsupported_value',
      ),
    );
    const models = await fetch(`${rig.backend.codexBaseUrl}/models?client_version=0.169.0`, {
      headers: { authorization: `Bearer ${rig.tokens.accessToken}`, 'chatgpt-account-id': rig.tokens.chatgptAccountId },
    });
    const body = (await models.json()) as { models: { slug: string; input_modalities: string[] }[] };
    expect(body.models.find((model) => model.slug === 'gpt-text-only')?.input_modalities).toEqual(['text']);
    expect(body.models.find((model) => model.slug === 'gpt-5.5')?.input_modalities).toEqual(['text', 'image']);
  });
});
