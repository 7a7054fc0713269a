import { isPlainObject } from '../describe-json-type.ts';
import * as schema from '../openai-api/openai-request-checks.ts';
import { openAiErrorBody } from './build-codex-error-answer.ts';
import { checkCodexTextFormat } from './check-codex-text-format.ts';
import type { FakeCodexModelOptions } from './codex-model-catalogue.ts';

/**
 * Top-level fields the backend refuses with 400 "Unsupported parameter: <name>", in this order (docs/codex-protocol.md
 * §5.3): the first four are reported (issue 14 saw the real `temperature` one), `top_p` is our decision (§5.3), the
 * rest are what proxies strip before every request (§5.3 "don't forward them"), the safe side for a fake.
 */
export const DEFAULT_UNSUPPORTED_PARAMETERS: readonly string[] = [
  ...['max_output_tokens', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k'],
  ...['prompt_cache_retention', 'safety_identifier', 'stream_options', 'generate'],
];

export type CodexRequestValidation =
  | { ok: true; body: Readonly<Record<string, unknown>>; model: FakeCodexModelOptions }
  | { ok: false; status: number; body: unknown };

const NAMED_TOOL_TYPES = ['function', 'custom', 'namespace'];
const CALL_TYPES = ['function_call', 'custom_tool_call', 'local_shell_call'];

/**
 * Checks a `POST /codex/responses` body in the order of §8.2, with the real `{"detail": …}` texts of §5.3/§7.1, then
 * the platform's schema checks. Per §10, instructions may come as a first `developer` message, and only
 * `item_reference` and id-only reasoning items point at storage that `store: false` never wrote.
 */
export function validateCodexResponsesRequest(options: {
  body: unknown;
  models: readonly FakeCodexModelOptions[];
  unsupportedParameters: readonly string[];
}): CodexRequestValidation {
  const { body } = options;
  const reject = (problem: unknown, status = 400): CodexRequestValidation => ({ ok: false, status, body: problem });
  if (!isPlainObject(body)) return reject(typeError('body', 'an object', body));
  if (body.store !== false) return reject({ detail: 'Store must be set to false' });
  if (body.stream !== true) return reject({ detail: 'Stream must be set to true' });
  if (body.instructions != null && typeof body.instructions !== 'string') {
    return reject(typeError('instructions', 'a string', body.instructions));
  }
  if (body.instructions == null && !startsWithDeveloperMessage(body.input)) {
    return reject({ detail: 'Instructions are required' });
  }
  if (!Array.isArray(body.input)) return reject({ detail: 'Input must be a list' });
  const unsupported = options.unsupportedParameters.find((name) => Object.hasOwn(body, name));
  if (unsupported != null) return reject({ detail: `Unsupported parameter: ${unsupported}` });
  const model = options.models.find((entry) => entry.slug === body.model);
  if (model == null) {
    const name = typeof body.model === 'string' ? body.model : String(body.model ?? '');
    return reject({ detail: `The '${name}' model is not supported when using Codex with a ChatGPT account.` });
  }
  const problem =
    checkReasoning(body.reasoning, model) ?? checkTools(body.tools, body.tool_choice) ?? checkText(body.text);
  if (problem != null) return reject(problem);
  const inputProblem = checkInputItems(body.input, model);
  if (inputProblem != null) return reject(inputProblem.body, inputProblem.status);
  return { ok: true, body, model };
}

function startsWithDeveloperMessage(input: unknown): boolean {
  const first: unknown = Array.isArray(input) ? input[0] : undefined;
  return isPlainObject(first) && (first.type == null || first.type === 'message') && first.role === 'developer';
}

/**
 * The effort text is the Responses API's own for an effort a model lacks (the backend's exact text is unverified,
 * §5.3); the set comes from the model's `supported_reasoning_levels`, as clients are told to use (§8.3 #14).
 */
function checkReasoning(reasoning: unknown, model: FakeCodexModelOptions): unknown {
  if (reasoning == null) return undefined;
  if (!isPlainObject(reasoning)) return typeError('reasoning', 'an object', reasoning);
  const { effort, summary } = reasoning;
  if (!(effort == null || (typeof effort === 'string' && model.efforts.includes(effort)))) {
    const message =
      `Unsupported value: 'reasoning.effort' does not support ${quoteJsonValue(effort)} ` +
      `with the '${model.slug}' model. Supported values are: ${schema.listQuoted(model.efforts)}.`;
    return openAiErrorBody({ message, param: 'reasoning.effort', code: 'unsupported_value' });
  }
  return checkChoice({ param: 'reasoning.summary', value: summary, supported: ['auto', 'concise', 'detailed'] });
}

function checkText(text: unknown): unknown {
  if (text == null) return undefined;
  if (!isPlainObject(text)) return typeError('text', 'an object', text);
  return (
    checkChoice({ param: 'text.verbosity', value: text.verbosity, supported: ['low', 'medium', 'high'] }) ??
    checkCodexTextFormat(text.format)
  );
}

function checkChoice(options: { param: string; value: unknown; supported: readonly string[] }): unknown {
  const { value, supported } = options;
  if (value == null || (typeof value === 'string' && supported.includes(value))) return undefined;
  return invalidValueBody(options);
}

/**
 * Tools are the flat Responses-API form (§5.5), so a Chat-Completions `{type, function}` tool has no `name`. Function,
 * custom and `namespace` (§10) names must match the pattern and be at most 64 characters (§5.5); tool kinds without a
 * name (`web_search`, …) pass, `name: null` included (§10).
 */
function checkTools(tools: unknown, toolChoice: unknown): unknown {
  if (tools != null && !Array.isArray(tools)) return typeError('tools', 'an array', tools);
  const names = new Map<string, string>();
  for (const [index, tool] of (tools ?? []).entries()) {
    const param = `tools[${index}]`;
    if (!isPlainObject(tool)) return typeError(param, 'an object', tool);
    if (typeof tool.type !== 'string') return missing(`${param}.type`);
    if (!NAMED_TOOL_TYPES.includes(tool.type)) continue;
    const problem = schema.functionNameError(`${param}.name`, tool.name);
    if (problem != null) return openAiErrorBody(problem);
    names.set(tool.name as string, tool.type);
  }
  return checkToolChoice(toolChoice, names);
}

/**
 * `auto`, `none`, `required` (§5.3: Codex sends `auto`), or `{type: 'function' | 'custom', name}` naming a tool of
 * `tools`; the wording for a missing one is the Responses API's as far as known (unverified here).
 */
function checkToolChoice(toolChoice: unknown, names: ReadonlyMap<string, string>): unknown {
  if (toolChoice == null) return undefined;
  if (typeof toolChoice === 'string') {
    return checkChoice({ param: 'tool_choice', value: toolChoice, supported: ['none', 'auto', 'required'] });
  }
  if (!isPlainObject(toolChoice)) {
    return typeError('tool_choice', 'a string or an object', toolChoice);
  }
  const { type, name } = toolChoice;
  if (type !== 'function' && type !== 'custom') {
    return invalidValueBody({ param: 'tool_choice.type', value: type, supported: ['function', 'custom'] });
  }
  if (typeof name !== 'string') return missing('tool_choice.name');
  if (names.get(name) === type) return undefined;
  const message = `Tool choice '${type}' named '${name}' not found in 'tools' parameter.`;
  return openAiErrorBody({ message, param: 'tool_choice', code: null });
}

function checkInputItems(
  input: readonly unknown[],
  model: FakeCodexModelOptions,
): { status: number; body: unknown } | undefined {
  const callIds = new Set<string>();
  for (const [index, item] of input.entries()) {
    const param = `input[${index}]`;
    if (!isPlainObject(item)) return { status: 400, body: typeError(param, 'an object', item) };
    const type = item.type ?? (item.role == null ? undefined : 'message');
    if (typeof type !== 'string') return { status: 400, body: missing(`${param}.type`) };
    if (type === 'message' && Array.isArray(item.content)) {
      const imageProblem = checkImages(item.content, `${param}.content`, model);
      if (imageProblem != null) return { status: 400, body: imageProblem };
    }
    if (type === 'item_reference' || (type === 'reasoning' && item.id != null && item.encrypted_content == null)) {
      // With `store: false` nothing is persisted, so an id that must be looked up cannot be found (§7.1, §10).
      const message =
        `Item with id '${String(item.id ?? '')}' not found. Items are not persisted when \`store\` is set to false. ` +
        'Try again with `store` set to true, or remove this item from your input.';
      return { status: 404, body: { detail: message } };
    }
    if (CALL_TYPES.includes(type) && typeof item.call_id === 'string') callIds.add(item.call_id);
    const isOutput = type === 'function_call_output' || type === 'custom_tool_call_output';
    if (isOutput && !(typeof item.call_id === 'string' && callIds.has(item.call_id))) {
      // OpenAI's generic wording, e.g. "function call output"; the backend's own text is unverified (§8.2).
      const label = type.replaceAll('_', ' ');
      const message = `No tool call found for ${label} with call_id ${String(item.call_id)}.`;
      return { status: 400, body: openAiErrorBody({ message, param: 'input', code: null }) };
    }
  }
  return undefined;
}

/** Image data URLs the platform decodes; `image/*` beyond these is refused as not an image. */
const IMAGE_DATA_URL = /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/;

/**
 * `input_image` parts (§5.4): `image_url` a string, an https URL or a base64 data URL of an image the platform
 * reads (else its "does not represent a valid image" 400, §7.1), and only for a model whose catalogue entry lists
 * `image` in `input_modalities` (§5.6; the refusal's wording for a text-only model is unverified).
 */
function checkImages(content: readonly unknown[], param: string, model: FakeCodexModelOptions): unknown {
  for (const [index, part] of content.entries()) {
    if (!isPlainObject(part) || part.type !== 'input_image') continue;
    const where = `${param}[${index}].image_url`;
    if (typeof part.image_url !== 'string') return typeError(where, 'a string', part.image_url);
    if (!(model.inputModalities ?? ['text', 'image']).includes('image')) {
      const message = `The '${model.slug}' model does not support image inputs.`;
      return openAiErrorBody({ message, param: where, code: 'unsupported_value' });
    }
    if (!(IMAGE_DATA_URL.test(part.image_url) || /^https:\/\//.test(part.image_url))) {
      const message = 'The image data you provided does not represent a valid image.';
      return openAiErrorBody({ message, param: where, code: 'invalid_image' });
    }
  }
  return undefined;
}

// The OpenAI platform's schema errors (§7.1 quotes "Invalid value: 'other'. Supported values are: …"), which the
// backend shares for fields inside the body.
const typeError = (...args: Parameters<typeof schema.invalidTypeError>) =>
  openAiErrorBody(schema.invalidTypeError(...args));
const missing = (param: string) => openAiErrorBody(schema.missingParameterError(param));

/** "Invalid value: 'x'. Supported values are: 'a', 'b', and 'c'." */
function invalidValueBody(options: { param: string; value: unknown; supported: readonly string[] }) {
  const message = `Invalid value: ${quoteJsonValue(options.value)}. Supported values are: ${schema.listQuoted(options.supported)}.`;
  return openAiErrorBody({ message, param: options.param, code: 'invalid_value' });
}

/** A value as the messages quote it: strings in single quotes, anything else as its JSON text. */
function quoteJsonValue(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value ?? null).replaceAll('"', "'");
}
