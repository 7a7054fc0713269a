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
  /** Clients older than this do not see the model (`client_version` query). Default `0.0.0`. */
  minimalClientVersion?: string;
  /**
   * `input_modalities` (§5.6): default `['text', 'image']`, what the official client assumes when the field is
   * missing. A model without `image` refuses `input_image` parts.
   */
  inputModalities?: readonly string[];
  /** Extra or overriding wire fields, e.g. `{ prefer_websockets: true }`. */
  extraFields?: Record<string, unknown>;
};

const EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max', 'ultra'];

/**
 * The late-2026 catalogue of docs/codex-protocol.md §5.6 and §10, less models a test rarely needs, gated by client
 * version as third-party clients report (gpt-5.6-* from 0.144.0, gpt-6-* from 0.153–0.155).
 */
export const DEFAULT_FAKE_CODEX_MODELS: readonly FakeCodexModelOptions[] = [
  { slug: 'gpt-6-sol', efforts: EFFORTS, defaultEffort: 'medium', minimalClientVersion: '0.155.0' },
  { slug: 'gpt-5.6-sol', efforts: EFFORTS, defaultEffort: 'low', minimalClientVersion: '0.144.0' },
  { slug: 'gpt-5.5', efforts: EFFORTS.slice(0, 4) },
  { slug: 'gpt-5.4', efforts: EFFORTS.slice(0, 4) },
  { slug: 'gpt-5.4-mini', efforts: EFFORTS.slice(0, 4) },
  { slug: 'codex-auto-review', efforts: EFFORTS.slice(0, 5), isHidden: true },
];

const CONTEXT_WINDOW = 272_000;
/** Short on purpose: the real template is ~17 kB and clients only pass it through as the system prompt. */
const BASE_INSTRUCTIONS = 'You are Codex, a coding agent. (Served by the pag testkit fake Codex backend.)';

/**
 * The `/codex/models` body (§5.6, laid out like Codex 0.169's bundled catalogue) without models newer than the client's
 * `client_version`, compared numerically, and its ETag.
 */
export function listCodexModels(options: { models: readonly FakeCodexModelOptions[]; clientVersion?: string }) {
  const { clientVersion } = options;
  const models = options.models.flatMap((model, index) => {
    const minimum = model.minimalClientVersion ?? '0.0.0';
    if (clientVersion?.localeCompare(minimum, 'en', { numeric: true }) === -1) return [];
    return {
      slug: model.slug,
      display_name: model.displayName ?? model.slug.split('-').map(capitalize).join('-'),
      description: `Fake ${model.slug} served by the pag testkit.`,
      visibility: model.isHidden === true ? 'hide' : 'list',
      priority: index + 1, // lower sorts first in pickers
      default_reasoning_level: defaultEffortOf(model),
      supported_reasoning_levels: model.efforts.map((effort) => ({
        effort,
        description: `${effort} reasoning effort`,
      })),
      default_reasoning_summary: 'none',
      support_verbosity: true,
      default_verbosity: 'low',
      context_window: CONTEXT_WINDOW,
      max_context_window: CONTEXT_WINDOW,
      input_modalities: model.inputModalities ?? ['text', 'image'],
      supports_parallel_tool_calls: true,
      supported_in_api: true,
      minimal_client_version: minimum,
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

/** `gpt-5.4-mini` → `GPT-5.4-Mini`, as the real display names read. */
function capitalize(part: string): string {
  return part === 'gpt' ? 'GPT' : part.charAt(0).toUpperCase() + part.slice(1);
}
