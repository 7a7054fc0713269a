import {
  INPUT_MUST_BE_A_LIST,
  INSTRUCTIONS_ARE_REQUIRED,
  itemNotFoundMessage,
  modelNotSupportedMessage,
  STORE_MUST_BE_FALSE,
  STREAM_MUST_BE_TRUE,
  unsupportedParameterMessage,
} from './codex-backend-constants.ts';
import { detailErrorBody, openAiErrorBody } from './codex-error-body.ts';
import type { FakeCodexModelOptions } from './fake-codex-model.ts';

export type ValidateCodexResponsesRequestOptions = {
  body: unknown;
  models: readonly FakeCodexModelOptions[];
  /** Top-level fields rejected as "Unsupported parameter: <name>", in the order they are checked. */
  unsupportedParameters: readonly string[];
};

export type CodexRequestValidation =
  | { ok: true; body: Readonly<Record<string, unknown>>; model: FakeCodexModelOptions }
  | { ok: false; status: number; body: unknown };

const OUTPUT_TYPES_BY_CALL_TYPE: Readonly<Record<string, string>> = {
  function_call_output: 'function call output',
  custom_tool_call_output: 'custom tool call output',
};
const CALL_TYPES: ReadonlySet<string> = new Set(['function_call', 'custom_tool_call', 'local_shell_call']);

/**
 * Checks a `POST /codex/responses` body in the order of codex-protocol.md §8.2, with the real `{"detail": …}`
 * texts of §5.3/§7.1. Deviations from that list, all from §10 (what Codex 0.169 sends and the backend takes):
 * instructions may come as a first `developer` input message instead of `instructions`, and input items may carry
 * ids — only `item_reference` items and id-only reasoning items point at storage that `store: false` never wrote.
 */
export function validateCodexResponsesRequest(options: ValidateCodexResponsesRequestOptions): CodexRequestValidation {
  const { body } = options;
  if (!isRecord(body)) return reject(400, invalidType({ param: 'body', expected: 'an object', value: body }));
  if (body.store !== false) return reject(400, detailErrorBody(STORE_MUST_BE_FALSE));
  if (body.stream !== true) return reject(400, detailErrorBody(STREAM_MUST_BE_TRUE));

  if (body.instructions != null && typeof body.instructions !== 'string') {
    return reject(400, invalidType({ param: 'instructions', expected: 'a string', value: body.instructions }));
  }
  if (body.instructions == null && !startsWithDeveloperMessage(body.input)) {
    return reject(400, detailErrorBody(INSTRUCTIONS_ARE_REQUIRED));
  }
  if (!Array.isArray(body.input)) return reject(400, detailErrorBody(INPUT_MUST_BE_A_LIST));

  for (const name of options.unsupportedParameters) {
    if (Object.hasOwn(body, name)) return reject(400, detailErrorBody(unsupportedParameterMessage(name)));
  }

  const model = typeof body.model === 'string' ? options.models.find((entry) => entry.slug === body.model) : undefined;
  if (model == null) {
    const name = typeof body.model === 'string' ? body.model : String(body.model ?? '');
    return reject(400, detailErrorBody(modelNotSupportedMessage(name)));
  }

  const effortProblem = checkReasoning({ reasoning: body.reasoning, model });
  if (effortProblem != null) return reject(400, effortProblem);
  const toolProblem = checkTools(body.tools);
  if (toolProblem != null) return reject(400, toolProblem);
  const inputProblem = checkInputItems(body.input);
  if (inputProblem != null) return reject(inputProblem.status, inputProblem.body);
  return { ok: true, body, model };
}

function startsWithDeveloperMessage(input: unknown): boolean {
  if (!Array.isArray(input)) return false;
  const [first] = input;
  return isRecord(first) && (first.type == null || first.type === 'message') && first.role === 'developer';
}

/**
 * The text is the Responses API's own for an effort a model lacks (the backend's exact text is unverified, §5.3);
 * the set comes from the model's `supported_reasoning_levels`, as clients are told to use (§8.3 #14).
 */
function checkReasoning(options: { reasoning: unknown; model: FakeCodexModelOptions }): unknown {
  const { reasoning, model } = options;
  if (reasoning == null) return undefined;
  if (!isRecord(reasoning)) return invalidType({ param: 'reasoning', expected: 'an object', value: reasoning });
  const { effort } = reasoning;
  if (effort == null || (typeof effort === 'string' && model.efforts.includes(effort))) return undefined;
  const supported = model.efforts.map((name) => `'${name}'`);
  const list = supported.length > 1 ? `${supported.slice(0, -1).join(', ')}, and ${supported.at(-1)}` : supported[0];
  return openAiErrorBody({
    message:
      `Unsupported value: 'reasoning.effort' does not support ${JSON.stringify(effort).replaceAll('"', "'")} ` +
      `with the '${model.slug}' model. Supported values are: ${list}.`,
    type: 'invalid_request_error',
    param: 'reasoning.effort',
    code: 'unsupported_value',
  });
}

/** Flat Responses-API tools only: a Chat-Completions `{type, function: {…}}` tool has no top-level `name`. */
function checkTools(tools: unknown): unknown {
  if (tools == null) return undefined;
  if (!Array.isArray(tools)) return invalidType({ param: 'tools', expected: 'an array', value: tools });
  for (const [index, tool] of tools.entries()) {
    if (!isRecord(tool)) return invalidType({ param: `tools[${index}]`, expected: 'an object', value: tool });
    if (typeof tool.type !== 'string') return missingParameter(`tools[${index}].type`);
    if ((tool.type === 'function' || tool.type === 'custom') && typeof tool.name !== 'string') {
      return missingParameter(`tools[${index}].name`);
    }
  }
  return undefined;
}

function checkInputItems(input: readonly unknown[]): { status: number; body: unknown } | undefined {
  const callIds = new Set<string>();
  for (const [index, item] of input.entries()) {
    if (!isRecord(item)) {
      return { status: 400, body: invalidType({ param: `input[${index}]`, expected: 'an object', value: item }) };
    }
    const type = item.type ?? (item.role == null ? undefined : 'message');
    if (typeof type !== 'string') return { status: 400, body: missingParameter(`input[${index}].type`) };
    if (type === 'item_reference' || (type === 'reasoning' && item.id != null && item.encrypted_content == null)) {
      return { status: 404, body: detailErrorBody(itemNotFoundMessage(String(item.id ?? ''))) };
    }
    if (CALL_TYPES.has(type) && typeof item.call_id === 'string') callIds.add(item.call_id);
    const outputLabel = OUTPUT_TYPES_BY_CALL_TYPE[type];
    if (outputLabel != null && !(typeof item.call_id === 'string' && callIds.has(item.call_id))) {
      // OpenAI's generic wording; the backend's own text is unverified (§8.2).
      return {
        status: 400,
        body: openAiErrorBody({
          message: `No tool call found for ${outputLabel} with call_id ${String(item.call_id)}.`,
          type: 'invalid_request_error',
          param: 'input',
          code: null,
        }),
      };
    }
  }
  return undefined;
}

function invalidType(options: { param: string; expected: string; value: unknown }): unknown {
  return openAiErrorBody({
    message: `Invalid type for '${options.param}': expected ${options.expected}, but got ${describe(options.value)} instead.`,
    type: 'invalid_request_error',
    param: options.param,
    code: 'invalid_type',
  });
}

function missingParameter(param: string): unknown {
  return openAiErrorBody({
    message: `Missing required parameter: '${param}'.`,
    type: 'invalid_request_error',
    param,
    code: 'missing_required_parameter',
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  return typeof value;
}

function reject(status: number, body: unknown): CodexRequestValidation {
  return { ok: false, status, body };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value);
}
