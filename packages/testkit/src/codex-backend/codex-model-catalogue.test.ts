import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { codexRequestBody, getWithAuth, postResponses, startCodexTestRig } from './codex-backend-test-support.ts';

afterEach(closeAllFakeServers);

type ModelEntry = Record<string, unknown> & { slug: string; supported_reasoning_levels: { effort: string }[] };

describe('the catalogue at GET /backend-api/codex/models', () => {
  it('should list the default catalogue with the §5.6 fields and an ETag', async () => {
    const rig = await startCodexTestRig();

    const response = await getWithAuth({ rig, path: '/backend-api/codex/models?client_version=0.169.0' });
    const { models } = (await response.json()) as { models: ModelEntry[] };

    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(models.map((model) => [model.slug, model.visibility, model.default_reasoning_level])).toEqual([
      ['gpt-6-sol', 'list', 'medium'],
      ['gpt-5.6-sol', 'list', 'low'],
      ['gpt-5.5', 'list', 'medium'],
      ['gpt-5.4', 'list', 'medium'],
      ['gpt-5.4-mini', 'list', 'medium'],
      ['codex-auto-review', 'hide', 'medium'],
    ]);
    expect(models[0]?.supported_reasoning_levels.map((level) => level.effort)).toEqual([
      'low',
      'medium',
      'high',
      'xhigh',
      'max',
      'ultra',
    ]);
    expect(models[2]).toMatchObject({
      slug: 'gpt-5.5',
      display_name: 'GPT-5.5',
      priority: 3,
      supported_reasoning_levels: [
        { effort: 'low', description: expect.any(String) },
        { effort: 'medium', description: expect.any(String) },
        { effort: 'high', description: expect.any(String) },
        { effort: 'xhigh', description: expect.any(String) },
      ],
      default_reasoning_summary: 'none',
      support_verbosity: true,
      default_verbosity: 'low',
      context_window: 272_000,
      max_context_window: 272_000,
      input_modalities: ['text', 'image'],
      supports_parallel_tool_calls: true,
      supported_in_api: true,
      minimal_client_version: '0.0.0',
      prefer_websockets: false,
      experimental_supported_tools: [],
      model_messages: { instructions_template: expect.any(String) },
    });
  });

  it('should answer 304 for a matching If-None-Match', async () => {
    const rig = await startCodexTestRig();
    const first = await getWithAuth({ rig, path: '/backend-api/codex/models' });
    const etag = first.headers.get('etag') ?? '';
    await first.arrayBuffer();

    const second = await getWithAuth({ rig, path: '/backend-api/codex/models', headers: { 'if-none-match': etag } });

    expect(second.status).toBe(304);
    expect(second.headers.get('etag')).toBe(etag);
  });

  it('should serve a configured catalogue, filtered by client_version, and accept only its models', async () => {
    const rig = await startCodexTestRig({
      models: [
        { slug: 'gpt-6-sol', efforts: ['low', 'max'], minimalClientVersion: '0.200.0', extraFields: { upgrade: null } },
        { slug: 'gpt-5.5', efforts: ['high'], displayName: 'Five-Five' },
      ],
    });

    const old = await getWithAuth({ rig, path: '/backend-api/codex/models?client_version=0.169.0' });
    const current = await getWithAuth({ rig, path: '/backend-api/codex/models?client_version=0.201.1' });
    const oldModels = ((await old.json()) as { models: ModelEntry[] }).models;
    const currentModels = ((await current.json()) as { models: ModelEntry[] }).models;
    const medium = await postResponses({ rig, body: codexRequestBody() });
    const gpt54 = await postResponses({ rig, body: codexRequestBody({ model: 'gpt-5.4', reasoning: null }) });

    expect(oldModels.map((model) => model.slug)).toEqual(['gpt-5.5']);
    expect(oldModels[0]).toMatchObject({ display_name: 'Five-Five', default_reasoning_level: 'high' });
    expect(currentModels.map((model) => model.slug)).toEqual(['gpt-6-sol', 'gpt-5.5']);
    expect(currentModels[0]).toMatchObject({ upgrade: null, default_reasoning_level: 'low' });
    expect(old.headers.get('etag')).not.toBe(current.headers.get('etag'));
    expect(medium.status).toBe(400);
    expect(await medium.json()).toMatchObject({ error: { code: 'unsupported_value' } });
    expect(gpt54.status).toBe(400);
    expect(await gpt54.json()).toEqual({
      detail: "The 'gpt-5.4' model is not supported when using Codex with a ChatGPT account.",
    });
  });

  it('issue 14: should gate the default catalogue by client_version, treat a missing one as the oldest, and answer an empty list on demand', async () => {
    const rig = await startCodexTestRig();
    const slugsFor = async (path: string) =>
      ((await (await getWithAuth({ rig, path })).json()) as { models: ModelEntry[] }).models.map((m) => m.slug);

    const ancient = await slugsFor('/backend-api/codex/models?client_version=0.1.0');
    const missing = await slugsFor('/backend-api/codex/models');
    const mid = await slugsFor('/backend-api/codex/models?client_version=0.150.0');
    const newest = await slugsFor('/backend-api/codex/models?client_version=0.169.0');
    rig.backend.serveEmptyCatalogue(true);
    const empty = await slugsFor('/backend-api/codex/models?client_version=0.169.0');

    expect(ancient).toEqual(['gpt-5.5', 'gpt-5.4', 'gpt-5.4-mini', 'codex-auto-review']);
    expect(missing).toEqual(ancient);
    expect(mid).toEqual(['gpt-5.6-sol', ...ancient]);
    expect(newest).toEqual(['gpt-6-sol', 'gpt-5.6-sol', ...ancient]);
    expect(empty).toEqual([]);
  });
});
