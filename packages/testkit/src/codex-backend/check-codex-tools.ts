import { MAX_TOOL_NAME_LENGTH, TOOL_CHOICE_MODES, TOOL_NAME_PATTERN } from './codex-backend-constants.ts';
import { invalidTypeBody, invalidValueBody, missingParameterBody, openAiErrorBody } from './codex-error-body.ts';

/** Tool types whose `name` is what the model calls, so the backend holds it to the name rules. */
const NAMED_TOOL_TYPES: ReadonlySet<string> = new Set(['function', 'custom', 'namespace']);
/** Tool types a `tool_choice` object may name (with `name`), as the Responses API allows. */
const CHOOSABLE_TOOL_TYPES: ReadonlySet<string> = new Set(['function', 'custom']);

/**
 * Checks `tools` and `tool_choice`; returns the 400 body of the first problem, or undefined. Tools are the flat
 * Responses-API form (docs/codex-protocol.md §5.5): a Chat-Completions `{type, function: {…}}` tool has no
 * top-level `name`. Function and custom tool names, and the names of `namespace` tools as Codex 0.169 sends them
 * (§10), must match `^[a-zA-Z0-9_-]+$` and have at most 64 characters (§5.5 "treat 64 as the limit"); the texts
 * are the OpenAI platform's. Tool kinds without a name (`web_search`, `tool_search`, …) pass, `name: null`
 * included (§10).
 */
export function checkCodexTools(options: { tools: unknown; toolChoice: unknown }): unknown {
  const { tools } = options;
  if (tools != null && !Array.isArray(tools)) {
    return invalidTypeBody({ param: 'tools', expected: 'an array', value: tools });
  }
  const names = new Map<string, string>();
  for (const [index, tool] of (tools ?? []).entries()) {
    const param = `tools[${index}]`;
    if (!isRecord(tool)) return invalidTypeBody({ param, expected: 'an object', value: tool });
    if (typeof tool.type !== 'string') return missingParameterBody(`${param}.type`);
    if (!NAMED_TOOL_TYPES.has(tool.type)) continue;
    const problem = checkToolName({ param: `${param}.name`, name: tool.name });
    if (problem != null) return problem;
    names.set(tool.name as string, tool.type);
  }
  return checkToolChoice({ toolChoice: options.toolChoice, names });
}

function checkToolName(options: { param: string; name: unknown }): unknown {
  const { param, name } = options;
  if (name == null) return missingParameterBody(param);
  if (typeof name !== 'string') return invalidTypeBody({ param, expected: 'a string', value: name });
  if (!TOOL_NAME_PATTERN.test(name)) {
    return openAiErrorBody({
      message: `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${TOOL_NAME_PATTERN.source}'.`,
      type: 'invalid_request_error',
      param,
      code: 'invalid_value',
    });
  }
  if (name.length > MAX_TOOL_NAME_LENGTH) {
    return openAiErrorBody({
      message: `Invalid '${param}': string too long. Expected a string with maximum length ${MAX_TOOL_NAME_LENGTH}, but got a string with length ${name.length} instead.`,
      type: 'invalid_request_error',
      param,
      code: 'string_above_max_length',
    });
  }
  return undefined;
}

/**
 * `auto`, `none`, `required`, or `{type: 'function' | 'custom', name}` naming a tool of that type in `tools`. The
 * wording for a named tool that is missing is the Responses API's as far as known (unverified for this backend).
 */
function checkToolChoice(options: { toolChoice: unknown; names: ReadonlyMap<string, string> }): unknown {
  const { toolChoice, names } = options;
  if (toolChoice == null) return undefined;
  if (typeof toolChoice === 'string') {
    if (TOOL_CHOICE_MODES.includes(toolChoice)) return undefined;
    return invalidValueBody({ param: 'tool_choice', value: toolChoice, supported: TOOL_CHOICE_MODES });
  }
  if (!isRecord(toolChoice)) {
    return invalidTypeBody({ param: 'tool_choice', expected: 'a string or an object', value: toolChoice });
  }
  if (typeof toolChoice.type !== 'string' || !CHOOSABLE_TOOL_TYPES.has(toolChoice.type)) {
    return invalidValueBody({
      param: 'tool_choice.type',
      value: toolChoice.type,
      supported: [...CHOOSABLE_TOOL_TYPES],
    });
  }
  if (typeof toolChoice.name !== 'string') return missingParameterBody('tool_choice.name');
  if (names.get(toolChoice.name) === toolChoice.type) return undefined;
  return openAiErrorBody({
    message: `Tool choice '${toolChoice.type}' named '${toolChoice.name}' not found in 'tools' parameter.`,
    type: 'invalid_request_error',
    param: 'tool_choice',
    code: null,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value);
}
