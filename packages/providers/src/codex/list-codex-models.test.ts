import { describe, expect, it } from 'vitest';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { createRecordingFetch } from '../test/create-recording-fetch.ts';
import { createJsonResponse } from '../test/create-sse-response.ts';
import { listCodexModels } from './list-codex-models.ts';

describe('listCodexModels', () => {
  it('should read the catalogue for this client version', async () => {
    const { fetch, requests } = createRecordingFetch(
      createJsonResponse({
        models: [
          {
            slug: 'gpt-5.6-sol',
            display_name: 'GPT-5.6 Sol',
            visibility: 'list',
            priority: 1,
            supported_reasoning_levels: [
              { effort: 'low', description: 'Fast' },
              { effort: 'medium', description: 'Balanced' },
              { effort: 'high', description: 'Deep' },
            ],
            default_reasoning_level: 'low',
            context_window: 272000,
            input_modalities: ['text'],
            prefer_websockets: true,
          },
          { slug: 'codex-auto-review', visibility: 'hide' },
        ],
      }),
    );
    const models = await listCodexModels({
      baseUrl: 'https://chatgpt.example/backend-api',
      fetch,
      accessToken: 'access-1',
      accountId: 'acct-abc123',
      clientVersion: '0.169.0',
    });
    expect(requests[0]?.url).toBe('https://chatgpt.example/backend-api/codex/models?client_version=0.169.0');
    expect(requests[0]?.headers).toMatchObject({
      authorization: 'Bearer access-1',
      'chatgpt-account-id': 'acct-abc123',
    });
    expect(models).toEqual([
      {
        slug: 'gpt-5.6-sol',
        displayName: 'GPT-5.6 Sol',
        visibility: 'list',
        supportedReasoningLevels: ['low', 'medium', 'high'],
        defaultReasoningLevel: 'low',
        contextWindow: 272000,
        inputModalities: ['text'],
      },
      {
        slug: 'codex-auto-review',
        displayName: 'codex-auto-review',
        visibility: 'hide',
        supportedReasoningLevels: [],
        defaultReasoningLevel: undefined,
        contextWindow: undefined,
        inputModalities: ['text', 'image'],
      },
    ]);
  });

  it('issue 14: should treat an empty catalogue as a failure, not as a list of no models', async () => {
    const { fetch } = createRecordingFetch(createJsonResponse({ models: [] }));
    await expect(
      listCodexModels({
        baseUrl: 'https://chatgpt.example/backend-api',
        fetch,
        accessToken: 'access-1',
        accountId: 'acct-abc123',
        clientVersion: '0.169.0',
      }),
    ).rejects.toBeInstanceOf(UpstreamProtocolError);
  });

  it('should throw our error class on failure', async () => {
    const { fetch } = createRecordingFetch(createJsonResponse({ detail: 'Unauthorized' }, { status: 401 }));
    await expect(
      listCodexModels({
        baseUrl: 'https://chatgpt.example/backend-api',
        fetch,
        accessToken: 'expired',
        accountId: 'acct-abc123',
        clientVersion: '0.169.0',
      }),
    ).rejects.toBeInstanceOf(UpstreamApiError);
  });
});
