import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { startFakeOpenAiApi } from './openai-api-fake.ts';
import { postOpenAi } from './test-support.ts';

afterEach(closeAllFakeServers);

type EmbeddingList = {
  object: string;
  data: { object: string; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
};

async function embed(body: Record<string, unknown>) {
  const fake = await startFakeOpenAiApi();
  const response = await postOpenAi({ url: `${fake.baseUrl}/embeddings`, body });
  return { response, body: (await response.json()) as EmbeddingList };
}

const norm = (vector: number[]) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));

describe('POST /v1/embeddings', () => {
  it('should answer deterministic unit vectors of the native length', async () => {
    const first = await embed({ model: 'text-embedding-3-small', input: ['apple', 'pear'] });
    const again = await embed({ model: 'text-embedding-3-small', input: 'apple' });

    expect(first.response.status).toBe(200);
    expect(first.body).toMatchObject({
      object: 'list',
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    const [apple, pear] = first.body.data.map((item) => item.embedding as number[]);
    expect(first.body.data.map((item) => [item.object, item.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    expect(apple).toHaveLength(1536);
    expect(norm(apple ?? [])).toBeCloseTo(1, 5);
    expect(again.body.data[0]?.embedding).toEqual(apple);
    expect(pear).not.toEqual(apple);
  });

  it('should honour dimensions by cutting and renormalising the native vector', async () => {
    const full = await embed({ model: 'text-embedding-3-large', input: 'apple' });
    const short = await embed({ model: 'text-embedding-3-large', input: 'apple', dimensions: 256 });

    const fullVector = full.body.data[0]?.embedding as number[];
    const shortVector = short.body.data[0]?.embedding as number[];
    expect(fullVector).toHaveLength(3072);
    expect(shortVector).toHaveLength(256);
    expect(norm(shortVector)).toBeCloseTo(1, 5);
    const scale = (shortVector[0] ?? 0) / (fullVector[0] ?? 1);
    expect((shortVector[10] ?? 0) / (fullVector[10] ?? 1)).toBeCloseTo(scale, 4);
  });

  it('should encode base64 as little-endian float32, equal to the float answer', async () => {
    const floats = await embed({ model: 'text-embedding-3-small', input: 'apple', dimensions: 8 });
    const encoded = await embed({
      model: 'text-embedding-3-small',
      input: 'apple',
      dimensions: 8,
      encoding_format: 'base64',
    });

    const bytes = Buffer.from(encoded.body.data[0]?.embedding as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_value, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(floats.body.data[0]?.embedding);
  });

  it('should embed token arrays', async () => {
    const { response, body } = await embed({ model: 'text-embedding-3-small', input: [[1, 2, 3], [4]] });

    expect(response.status).toBe(200);
    expect(body.data).toHaveLength(2);
  });

  const invalidInput = {
    message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
    param: null,
    code: null,
  };
  it.each<[string, Record<string, unknown>, number, Record<string, unknown>]>([
    ['no model', { input: 'x' }, 400, { message: 'you must provide a model parameter', param: null, code: null }],
    [
      'an unknown model',
      { model: 'embed-9', input: 'x' },
      404,
      {
        message: 'The model `embed-9` does not exist or you do not have access to it.',
        param: null,
        code: 'model_not_found',
      },
    ],
    [
      'a chat model',
      { model: 'gpt-4o-mini', input: 'x' },
      400,
      { message: 'The model `gpt-4o-mini` does not support embeddings.', param: 'model', code: null },
    ],
    [
      'no input',
      { model: 'text-embedding-3-small' },
      400,
      { message: "Missing required parameter: 'input'.", param: 'input', code: 'missing_required_parameter' },
    ],
    ['an empty string', { model: 'text-embedding-3-small', input: '' }, 400, invalidInput],
    ['an empty array', { model: 'text-embedding-3-small', input: [] }, 400, invalidInput],
    ['an array with an empty string', { model: 'text-embedding-3-small', input: ['a', ''] }, 400, invalidInput],
    ['an object input', { model: 'text-embedding-3-small', input: { text: 'a' } }, 400, invalidInput],
    [
      'dimensions on ada-002',
      { model: 'text-embedding-ada-002', input: 'x', dimensions: 256 },
      400,
      { message: 'This model does not support specifying dimensions.', param: null, code: null },
    ],
    [
      'dimensions above the native length',
      { model: 'text-embedding-3-small', input: 'x', dimensions: 4096 },
      400,
      {
        message: "Invalid 'dimensions': integer above maximum value. Expected a value <= 1536, but got 4096 instead.",
        param: 'dimensions',
        code: 'integer_above_max_value',
      },
    ],
    [
      'an unknown encoding_format',
      { model: 'text-embedding-3-small', input: 'x', encoding_format: 'int8' },
      400,
      {
        message: "Invalid value: 'int8'. Supported values are: 'float' and 'base64'.",
        param: 'encoding_format',
        code: 'invalid_value',
      },
    ],
  ])('should reject %s', async (_case, requestBody, status, error) => {
    const { response, body } = await embed(requestBody);

    expect(response.status).toBe(status);
    expect(body).toEqual({ error: { type: 'invalid_request_error', ...error } });
  });
});
