import { createHash } from 'node:crypto';
import type { FakeCodexModelOptions } from './fake-codex-model.ts';
import { buildCodexModelEntry, isClientVersionAtLeast } from './fake-codex-model.ts';

export type ListCodexModelsOptions = {
  models: readonly FakeCodexModelOptions[];
  /** The `client_version` query; models whose `minimal_client_version` is newer are left out. */
  clientVersion: string | undefined;
};

/** The `/codex/models` body and its ETag, which changes whenever the served list does. */
export function listCodexModels(options: ListCodexModelsOptions): { body: { models: unknown[] }; etag: string } {
  const models = options.models
    .map((model, index) => ({ model, index }))
    .filter(
      ({ model }) =>
        options.clientVersion == null ||
        isClientVersionAtLeast({ version: options.clientVersion, minimum: model.minimalClientVersion ?? '0.0.0' }),
    )
    .map(buildCodexModelEntry);
  const body = { models };
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32);
  return { body, etag: `"${hash}"` };
}
