import { createHash } from 'node:crypto';

/** What a test says about one catalogue entry; everything else gets a realistic default. */
export type FakeCodexModelOptions = {
  slug: string;
  /** `supported_reasoning_levels`; requests with another `reasoning.effort` are rejected. */
  efforts: readonly string[];
  /** Default: `medium` when listed, else the first effort. */
  defaultEffort?: string;
  /** `visibility: "hide"`: still usable, but clients leave it out of pickers. */
  isHidden?: boolean;
  displayName?: string;
  /** Lower sorts first in pickers. Default: position in the catalogue. */
  priority?: number;
  contextWindow?: number;
  /** Clients older than this do not see the model (`client_version` query). Default `0.0.0`. */
  minimalClientVersion?: string;
  /** Extra or overriding wire fields, e.g. `{ prefer_websockets: true }`. */
  extraFields?: Record<string, unknown>;
};

const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'];

/**
 * The late-2026 catalogue of docs/codex-protocol.md §5.6 and §10, minus models a test rarely needs, gated by client
 * version as the real one is (third-party clients report gpt-5.6-* needing 0.144.0 and gpt-6-* 0.153–0.155): a client
 * that sends an old `client_version` sees only the older models. `codex-auto-review` is the hidden one.
 */
export const DEFAULT_FAKE_CODEX_MODELS: readonly FakeCodexModelOptions[] = [
  { slug: 'gpt-6-sol', efforts: EFFORTS, defaultEffort: 'medium', minimalClientVersion: '0.155.0' },
  { slug: 'gpt-5.6-sol', efforts: EFFORTS, defaultEffort: 'low', minimalClientVersion: '0.144.0' },
  { slug: 'gpt-5.5', efforts: EFFORTS.slice(0, 4) },
  { slug: 'gpt-5.4', efforts: EFFORTS.slice(0, 4) },
  { slug: 'gpt-5.4-mini', efforts: EFFORTS.slice(0, 4) },
  { slug: 'codex-auto-review', efforts: EFFORTS.slice(0, 5), isHidden: true },
];

/** Short on purpose: the real template is ~17 kB and clients only pass it through as the system prompt. */
const BASE_INSTRUCTIONS = 'You are Codex, a coding agent. (Served by the pag testkit fake Codex backend.)';

/**
 * The `/codex/models` body and its ETag (which changes whenever the served list does), leaving out models newer than
 * the client's `client_version` (all without one). Entries have the fields of §5.6, laid out like the catalogue bundled in Codex 0.169.
 */
export function listCodexModels(options: { models: readonly FakeCodexModelOptions[]; clientVersion?: string }) {
  const { clientVersion } = options;
  const models = options.models
    .map((model, index) => ({ model, index }))
    // Dotted numbers compare numerically ('0.155.0' > '0.99.0'); the real catalogue is gated the same way.
    .filter(({ model }) => clientVersion == null || compareVersions(clientVersion, model.minimalClientVersion) >= 0)
    .map(({ model, index }) => {
      const contextWindow = model.contextWindow ?? 272_000;
      return {
        slug: model.slug,
        display_name: model.displayName ?? model.slug.split('-').map(capitalize).join('-'),
        description: `Fake ${model.slug} served by the pag testkit.`,
        visibility: model.isHidden === true ? 'hide' : 'list',
        priority: model.priority ?? index + 1,
        default_reasoning_level: defaultEffortOf(model),
        supported_reasoning_levels: model.efforts.map((effort) => ({
          effort,
          description: `${effort} reasoning effort`,
        })),
        default_reasoning_summary: 'none',
        support_verbosity: true,
        default_verbosity: 'low',
        context_window: contextWindow,
        max_context_window: contextWindow,
        input_modalities: ['text', 'image'],
        supports_parallel_tool_calls: true,
        supported_in_api: true,
        minimal_client_version: model.minimalClientVersion ?? '0.0.0',
        // The fake only speaks HTTP SSE; a client that honours `true` would try a WebSocket first.
        prefer_websockets: false,
        shell_type: 'shell_command',
        apply_patch_tool_type: 'freeform',
        truncation_policy: { mode: 'tokens', limit: 10_000 },
        supports_reasoning_summaries: true,
        // Codex 0.169 refuses the whole catalogue when an entry lacks this list (found by running it against the fake).
        experimental_supported_tools: [],
        base_instructions: BASE_INSTRUCTIONS,
        model_messages: { instructions_template: BASE_INSTRUCTIONS },
        ...model.extraFields,
      };
    });
  const body = { models };
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32);
  return { body, etag: `"${hash}"` };
}

/** The effort the backend applies when a request names none. */
export function defaultEffortOf(model: FakeCodexModelOptions): string | undefined {
  return model.defaultEffort ?? (model.efforts.includes('medium') ? 'medium' : model.efforts[0]);
}

function compareVersions(version: string, minimum = '0.0.0'): number {
  return version.localeCompare(minimum, 'en', { numeric: true });
}

/** `gpt-5.4-mini` → `GPT-5.4-Mini`, as the real display names read. */
function capitalize(part: string): string {
  return part === 'gpt' ? 'GPT' : part.charAt(0).toUpperCase() + part.slice(1);
}
