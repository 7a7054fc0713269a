import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import type { ParsedJson } from '../read-sse-body.ts';
import { startFakeGeminiApi } from './gemini-api-fake.ts';
import { postGemini, USER_CONTENTS } from './test-support.ts';

afterEach(closeAllFakeServers);

async function call(options: { model: string; method: string; body: unknown }) {
  const fake = await startFakeGeminiApi();
  const response = await postGemini({
    url: `${fake.url}/v1beta/models/${options.model}:${options.method}`,
    body: options.body,
  });
  return { fake, response, body: (await response.json()) as Record<string, ParsedJson> };
}

const plain = (message: string) => ({ error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
const norm = (values: number[]) => Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));

describe('POST /v1beta/models/{model}:countTokens', () => {
  it('should count contents with the estimate generateContent reports as promptTokenCount', async () => {
    const { body, fake } = await call({
      model: 'gemini-3.5-flash',
      method: 'countTokens',
      body: { contents: USER_CONTENTS },
    });
    const generated = (await (
      await postGemini({
        url: `${fake.url}/v1beta/models/gemini-3.5-flash:generateContent`,
        body: { contents: USER_CONTENTS },
      })
    ).json()) as Record<string, ParsedJson>;

    expect(body).toEqual({ totalTokens: 8, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }] });
    expect(generated.usageMetadata.promptTokenCount).toBe(body.totalTokens);
  });

  it('should count a whole generateContentRequest, system instruction included', async () => {
    const { body } = await call({
      model: 'gemini-3.5-flash',
      method: 'countTokens',
      body: {
        generateContentRequest: {
          model: 'models/gemini-3.5-flash',
          contents: USER_CONTENTS,
          systemInstruction: { parts: [{ text: 'Be terse.' }] },
        },
      },
    });

    expect(body.totalTokens).toBe(10);
  });

  it('should not use up a queued scenario', async () => {
    const fake = await startFakeGeminiApi({ scenarios: ['rate-limit'] });

    await postGemini({
      url: `${fake.url}/v1beta/models/gemini-3.5-flash:countTokens`,
      body: { contents: USER_CONTENTS },
    });

    expect(fake.pendingScenarios).toHaveLength(1);
  });

  it.each<[string, unknown, unknown]>([
    ['no contents', {}, plain('* CountTokensRequest.contents: contents is not specified\n')],
    [
      'both contents and generateContentRequest',
      { contents: USER_CONTENTS, generateContentRequest: { contents: USER_CONTENTS } },
      plain('* CountTokensRequest.contents: contents and generate_content_request cannot both be set\n'),
    ],
    [
      'an invalid nested request',
      { generateContentRequest: { contents: [] } },
      plain('* CountTokensRequest.generate_content_request.contents: contents is not specified\n'),
    ],
    [
      'a bad role',
      { contents: [{ role: 'system', parts: [{ text: 'x' }] }] },
      plain('Please use a valid role: user, model.'),
    ],
  ])('should reject %s', async (_case, requestBody, expected) => {
    const { response, body } = await call({ model: 'gemini-3.5-flash', method: 'countTokens', body: requestBody });

    expect(response.status).toBe(400);
    expect(body).toEqual(expected);
  });
});

describe('POST /v1beta/models/{model}:embedContent and :batchEmbedContents', () => {
  const content = (text: string) => ({ parts: [{ text }] });

  it('should embed deterministically at the native length, normalised', async () => {
    const first = await call({
      model: 'gemini-embedding-001',
      method: 'embedContent',
      body: { content: content('apple') },
    });
    const again = await call({
      model: 'gemini-embedding-001',
      method: 'embedContent',
      body: { content: content('apple'), taskType: 'RETRIEVAL_QUERY' },
    });

    const values = first.body.embedding.values as number[];
    expect(values).toHaveLength(3072);
    expect(norm(values)).toBeCloseTo(1, 5);
    expect(again.body.embedding.values).toEqual(values);
  });

  it('should cut to outputDimensionality without renormalising, as Google documents', async () => {
    const full = await call({
      model: 'gemini-embedding-001',
      method: 'embedContent',
      body: { content: content('apple') },
    });
    const short = await call({
      model: 'gemini-embedding-001',
      method: 'embedContent',
      body: { content: content('apple'), output_dimensionality: 768 },
    });

    expect(short.body.embedding.values).toEqual((full.body.embedding.values as number[]).slice(0, 768));
  });

  it('should batch embed in order', async () => {
    const { body } = await call({
      model: 'gemini-embedding-001',
      method: 'batchEmbedContents',
      body: {
        requests: [
          { model: 'models/gemini-embedding-001', content: content('apple') },
          { model: 'models/gemini-embedding-001', content: content('pear'), outputDimensionality: 8 },
        ],
      },
    });
    const single = await call({
      model: 'gemini-embedding-001',
      method: 'embedContent',
      body: { content: content('apple') },
    });

    expect(body.embeddings).toHaveLength(2);
    expect(body.embeddings[0].values).toEqual(single.body.embedding.values);
    expect(body.embeddings[1].values).toHaveLength(8);
  });

  it.each<[string, string, unknown, number, unknown]>([
    ['no content', 'embedContent', {}, 400, plain('* EmbedContentRequest.content: content is not specified\n')],
    [
      'empty parts',
      'embedContent',
      { content: { parts: [] } },
      400,
      plain('* EmbedContentRequest.content.parts: contents.parts must not be empty.\n'),
    ],
    [
      'a dimensionality above the native length',
      'embedContent',
      { content: content('x'), outputDimensionality: 4096 },
      400,
      plain('* EmbedContentRequest.output_dimensionality: must be between 1 and 3072.\n'),
    ],
    [
      'no requests',
      'batchEmbedContents',
      { requests: [] },
      400,
      plain('* BatchEmbedContentsRequest.requests: requests is not specified\n'),
    ],
    [
      'a request naming another model',
      'batchEmbedContents',
      { requests: [{ model: 'models/text-embedding-004', content: content('x') }] },
      400,
      plain(
        '* BatchEmbedContentsRequest.requests[0].model: model must be models/gemini-embedding-001, the model in the URL\n',
      ),
    ],
  ])('should reject %s', async (_case, method, requestBody, status, expected) => {
    const { response, body } = await call({ model: 'gemini-embedding-001', method, body: requestBody });

    expect(response.status).toBe(status);
    expect(body).toEqual(expected);
  });

  it('should answer NOT_FOUND when a chat model is asked to embed', async () => {
    const { response, body } = await call({
      model: 'gemini-3.5-flash',
      method: 'embedContent',
      body: { content: content('x') },
    });

    expect(response.status).toBe(404);
    expect(body.error.message).toBe(
      'models/gemini-3.5-flash is not found for API version v1beta, or is not supported for embedContent. Call ListModels ' +
        'to see the list of available models and their supported methods.',
    );
  });
});
