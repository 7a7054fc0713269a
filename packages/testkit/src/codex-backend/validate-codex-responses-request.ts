import { checkCodexTools } from './check-codex-tools.ts';
import {
  INPUT_MUST_BE_A_LIST,
  INSTRUCTIONS_ARE_REQUIRED,
  itemNotFoundMessage,
  modelNotSupportedMessage,
  REASONING_SUMMARIES,
  STORE_MUST_BE_FALSE,
  STREAM_MUST_BE_TRUE,
  TEXT_VERBOSITIES,
  unsupportedParameterMessage,
} from './codex-backend-constants.ts';
import {
  detailErrorBody,
  invalidTypeBody,
  invalidValueBody,
  listQuoted,
  missingParameterBody,
  openAiErrorBody,
} from './codex-error-body.ts';
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
 * Checks a `POST /codex/responses` body in the order of docs/codex-protocol.md §8.2, with the real `{"detail": …}`
 * texts of §5.3/§7.1. Deviations from that list, all from §10 (what Codex 0.169 sends and the backend takes):
 * instructions may come as a first `developer` input message instead of `instructions`, and input items may carry
 * ids — only `item_reference` items and id-only reasoning items point at storage that `store: false` never wrote.
 * After the model come the schema checks the OpenAI platform makes on the same fields, in its wording: reasoning
 * effort and summary, tool names and `tool_choice` (`checkCodexTools`), `text.verbosity`, then the input items.
 */
export function validateCodexResponsesRequest(options: ValidateCodexResponsesRequestOptions): CodexRequestValidation {
  const { body } = options;
  if (!isRecord(body)) return reject(400, invalidTypeBody({ param: 'body', expected: 'an object', value: body }));
  if (body.store !== false) return reject(400, detailErrorBody(STORE_MUST_BE_FALSE));
  if (body.stream !== true) return reject(400, detailErrorBody(STREAM_MUST_BE_TRUE));

  if (body.instructions != null && typeof body.instructions !== 'string') {
    return reject(400, invalidTypeBody({ param: 'instructions', expected: 'a string', value: body.instructions }));
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

  const reasoningProblem = checkReasoning({ reasoning: body.reasoning, model });
  if (reasoningProblem != null) return reject(400, reasoningProblem);
  const toolProblem = checkCodexTools({ tools: body.tools, toolChoice: body.tool_choice });
  if (toolProblem != null) return reject(400, toolProblem);
  const textProblem = checkText(body.text);
  if (textProblem != null) return reject(400, textProblem);
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
 * The effort text is the Responses API's own for an effort a model lacks (the backend's exact text is unverified,
 * §5.3); the set comes from the model's `supported_reasoning_levels`, as clients are told to use (§8.3 #14).
 * `summary` is `auto`, `concise` or `detailed` (§5.3), or null/absent for none.
 */
function checkReasoning(options: { reasoning: unknown; model: FakeCodexModelOptions }): unknown {
  const { reasoning, model } = options;
  if (reasoning == null) return undefined;
  if (!isRecord(reasoning)) return invalidTypeBody({ param: 'reasoning', expected: 'an object', value: reasoning });
  const { effort, summary } = reasoning;
  if (!(effort == null || (typeof effort === 'string' && model.efforts.includes(effort)))) {
    return openAiErrorBody({
      message:
        `Unsupported value: 'reasoning.effort' does not support ${JSON.stringify(effort).replaceAll('"', "'")} ` +
        `with the '${model.slug}' model. Supported values are: ${listQuoted(model.efforts)}.`,
      type: 'invalid_request_error',
      param: 'reasoning.effort',
      code: 'unsupported_value',
    });
  }
  if (summary != null && !(typeof summary === 'string' && REASONING_SUMMARIES.includes(summary))) {
    return invalidValueBody({ param: 'reasoning.summary', value: summary, supported: REASONING_SUMMARIES });
  }
  return undefined;
}

/** `text.verbosity` is `low`, `medium` or `high` (§5.3); `text.format` is left to the model's own checks. */
function checkText(text: unknown): unknown {
  if (text == null) return undefined;
  if (!isRecord(text)) return invalidTypeBody({ param: 'text', expected: 'an object', value: text });
  const { verbosity } = text;
  if (verbosity == null || (typeof verbosity === 'string' && TEXT_VERBOSITIES.includes(verbosity))) return undefined;
  return invalidValueBody({ param: 'text.verbosity', value: verbosity, supported: TEXT_VERBOSITIES });
}

function checkInputItems(input: readonly unknown[]): { status: number; body: unknown } | undefined {
  const callIds = new Set<string>();
  for (const [index, item] of input.entries()) {
    if (!isRecord(item)) {
      return { status: 400, body: invalidTypeBody({ param: `input[${index}]`, expected: 'an object', value: item }) };
    }
    const type = item.type ?? (item.role == null ? undefined : 'message');
    if (typeof type !== 'string') return { status: 400, body: missingParameterBody(`input[${index}].type`) };
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

function reject(status: number, body: unknown): CodexRequestValidation {
  return { ok: false, status, body };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value);
}
