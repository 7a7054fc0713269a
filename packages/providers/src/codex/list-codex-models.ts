import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { codexModelsResponseSchema } from './codex-api.ts';
import { type CodexAccountRequest, getCodexJson } from './get-codex-json.ts';

export type CodexModel = {
  slug: string;
  displayName: string;
  /** `list` (show in pickers) or `hide`. */
  visibility: string | undefined;
  /** Reasoning efforts this model accepts (`low`, `medium`, …). */
  supportedReasoningLevels: string[];
  defaultReasoningLevel: string | undefined;
  contextWindow: number | undefined;
  /** `input_modalities` (`text`, `image`); missing means both, as the official client assumes (§5.6). */
  inputModalities: string[];
};

/**
 * Reads the account's model catalogue (`GET {baseUrl}/codex/models?client_version=…`). Models are plan-dependent and
 * change monthly, so read this at run time rather than hard-coding slugs. The backend leaves out every model whose
 * `minimal_client_version` is newer than `clientVersion`, so it must be a current Codex CLI version.
 * @see docs/codex-protocol.md §5.6
 */
export async function listCodexModels(
  options: CodexAccountRequest & { baseUrl: string; clientVersion: string },
): Promise<CodexModel[]> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/codex/models?client_version=${encodeURIComponent(options.clientVersion)}`;
  const data = await getCodexJson(url, codexModelsResponseSchema, { ...options, what: 'Codex model list' });
  // The backend answers an empty list at times (and for a client_version older than every model): that is no
  // catalogue to route by, so it fails like an unreadable one and the caller falls back and asks again soon.
  if (data.models.length === 0) {
    throw new UpstreamProtocolError({ message: 'The Codex model list is empty.', url, cause: undefined });
  }
  return data.models.map((model) => ({
    slug: model.slug,
    displayName: model.display_name ?? model.slug,
    visibility: model.visibility ?? undefined,
    supportedReasoningLevels: (model.supported_reasoning_levels ?? []).map((level) =>
      typeof level === 'string' ? level : level.effort,
    ),
    defaultReasoningLevel: model.default_reasoning_level ?? undefined,
    contextWindow: model.context_window ?? undefined,
    inputModalities: model.input_modalities ?? ['text', 'image'],
  }));
}
