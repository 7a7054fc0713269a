import { DEFAULT_CODEX_INSTRUCTIONS } from './codex-options.ts';
import { CODEX_NAMED_TOOL_TYPES, CODEX_TOOL_CALL_TYPES, CodexToolNames } from './codex-tool-names.ts';

/**
 * The top-level fields the Codex backend takes and we pass on, in the order Codex 0.169 sends them
 * (docs/codex-protocol.md §10; `instructions` and `text` where §5.3 has them). Every other field is left out, and
 * named in `dropped` when it had a value:
 * - what the backend refuses with 400 "Unsupported parameter: <name>" (§5.3): the token limits `max_output_tokens`,
 *   `max_tokens`, `max_completion_tokens`; the samplers `temperature` (issue 14 saw that 400) and `top_p`; and what
 *   proxies strip along with them (`top_k`, `prompt_cache_retention`, `safety_identifier`, `stream_options`);
 * - what needs stored responses, which `store: false` never makes (§5.3, §8.2): `previous_response_id`,
 *   `background`, `conversation`, `prompt`;
 * - `service_tier`: Codex only ever sends `priority` (fast mode, which spends the plan's limits faster), and the
 *   tiers OpenAI clients send (`auto`, `default`, `flex`) are not known to work here;
 * - anything else (`metadata`, `user`, `truncation`, `top_logprobs`, …): nothing shows the backend takes it, and an
 *   unknown parameter risks a 400 for the whole request where leaving it out only loses that setting.
 */
export const CODEX_REQUEST_FIELDS = [
  'model',
  'stream',
  'instructions',
  'input',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning',
  'store',
  'include',
  'prompt_cache_key',
  'text',
  'client_metadata',
] as const;

const ACCEPTED_FIELDS: ReadonlySet<string> = new Set(CODEX_REQUEST_FIELDS);

/** Without storage, reasoning can only be carried to the next turn encrypted (§5.3 `include`). */
const ENCRYPTED_REASONING = 'reasoning.encrypted_content';

export type CodexRequestBodyOptions = {
  /** The bare model slug (`gpt-5.5`). */
  model: string;
  /** `prompt_cache_key` when the request has none: stable per conversation, so prompt caching works (§5.2). */
  conversationId: string;
  /** The instructions sent when the request needs some (see `chooseInstructions`). Default `DEFAULT_CODEX_INSTRUCTIONS`. */
  defaultInstructions?: string | undefined;
};

export type CodexRequestBody = {
  body: Record<string, unknown>;
  /** The fields left out (top-level names, in the request's order); fields that were null or absent are not named. */
  dropped: string[];
  /** The tool names as sent, to restore the caller's names in the calls that come back. */
  toolNames: CodexToolNames;
};

/**
 * A Responses request as the Codex backend takes it — the one place its wire rules live, for the chat model and
 * the `/v1/responses` relay alike, so the two cannot disagree. Only `CODEX_REQUEST_FIELDS` are passed on (null
 * counts as unset), and:
 * - `store: false` and `stream: true` always (the backend refuses anything else, §5.3), the given `model`;
 * - a string `input` becomes one user message (the backend wants a list, §5.3);
 * - `instructions` as `chooseInstructions` decides;
 * - `include` gains `reasoning.encrypted_content`; `prompt_cache_key` defaults to the conversation id;
 * - function and custom tool names the backend would refuse are cleaned (`CodexToolNames`), in `tools`, a
 *   `tool_choice` that names one, and the calls replayed in `input`.
 */
export function toCodexRequestBody(
  request: Readonly<Record<string, unknown>>,
  options: CodexRequestBodyOptions,
): CodexRequestBody {
  const dropped = Object.keys(request).filter((field) => !ACCEPTED_FIELDS.has(field) && request[field] != null);
  const toolNames = codexToolNamesOf(request);
  const input = typeof request.input === 'string' ? [userMessage(request.input)] : request.input;
  const fields: Record<string, unknown> = {
    ...request,
    model: options.model,
    stream: true,
    instructions: chooseInstructions({
      instructions: request.instructions,
      input,
      defaultInstructions: options.defaultInstructions ?? DEFAULT_CODEX_INSTRUCTIONS,
    }),
    input: Array.isArray(input) ? input.map((item) => renameToolCall(item, toolNames)) : input,
    tools: Array.isArray(request.tools) ? request.tools.map((tool) => renameTool(tool, toolNames)) : request.tools,
    tool_choice: renameTool(request.tool_choice, toolNames),
    store: false,
    include: withEncryptedReasoning(request.include),
    prompt_cache_key: request.prompt_cache_key ?? options.conversationId,
  };
  const body: Record<string, unknown> = {};
  for (const field of CODEX_REQUEST_FIELDS) {
    if (fields[field] != null) body[field] = fields[field];
  }
  return { body, dropped, toolNames };
}

/**
 * The tool names `toCodexRequestBody` sends for this request: those of `tools`, then of the calls in `input`, then
 * of `tool_choice`. Derived from the request alone, so a relay can restore names in the answer from the request.
 */
export function codexToolNamesOf(request: Readonly<Record<string, unknown>>): CodexToolNames {
  const names: string[] = [];
  const add = (value: unknown, types: ReadonlySet<string>) => {
    if (isRecord(value) && typeof value.type === 'string' && types.has(value.type) && typeof value.name === 'string') {
      names.push(value.name);
    }
  };
  for (const tool of Array.isArray(request.tools) ? request.tools : []) add(tool, CODEX_NAMED_TOOL_TYPES);
  for (const item of Array.isArray(request.input) ? request.input : []) add(item, CODEX_TOOL_CALL_TYPES);
  add(request.tool_choice, CODEX_NAMED_TOOL_TYPES);
  return new CodexToolNames(names);
}

/**
 * The caller's instructions when there are any. Otherwise none when the input starts with a developer message —
 * the shape Codex 0.169 sends (no `instructions`, the system prompt as the first `developer` item, §10) — and the
 * default instructions when it does not, because the backend then answers 400 "Instructions are required" (§5.3).
 * An empty string counts as none: whether the backend takes `""` is not settled (§5.3), so it is never sent.
 */
function chooseInstructions(options: {
  instructions: unknown;
  input: unknown;
  defaultInstructions: string;
}): string | undefined {
  const { instructions, input } = options;
  if (typeof instructions === 'string' && instructions !== '') return instructions;
  const first = Array.isArray(input) ? input[0] : undefined;
  const startsWithDeveloper =
    isRecord(first) && (first.type == null || first.type === 'message') && first.role === 'developer';
  return startsWithDeveloper ? undefined : options.defaultInstructions;
}

function userMessage(text: string): Record<string, unknown> {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

function withEncryptedReasoning(include: unknown): string[] {
  const values = Array.isArray(include) ? include.filter((value) => typeof value === 'string') : [];
  return [...new Set([...values, ENCRYPTED_REASONING])];
}

/** A function or custom tool (or a `tool_choice` naming one) with its name as sent; anything else as it is. */
function renameTool(tool: unknown, toolNames: CodexToolNames): unknown {
  if (!isRecord(tool) || typeof tool.type !== 'string' || !CODEX_NAMED_TOOL_TYPES.has(tool.type)) return tool;
  return withName(tool, toolNames);
}

/** A replayed function or custom tool call with its name as sent; any other item as it is. */
function renameToolCall(item: unknown, toolNames: CodexToolNames): unknown {
  if (!isRecord(item) || typeof item.type !== 'string' || !CODEX_TOOL_CALL_TYPES.has(item.type)) return item;
  return withName(item, toolNames);
}

function withName(value: Record<string, unknown>, toolNames: CodexToolNames): Record<string, unknown> {
  if (typeof value.name !== 'string') return value;
  const name = toolNames.toCodex(value.name);
  return name === value.name ? value : { ...value, name };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value);
}
