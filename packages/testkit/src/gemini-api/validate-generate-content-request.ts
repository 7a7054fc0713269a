import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { googleError, rejectInvalidPayload, rejectRequestField } from './google-api-error.ts';
import { parseProtoJson } from './parse-proto-json.ts';

type Part = Record<string, unknown>;
type Content = { role?: string; parts?: Part[] };
export type GenerateContentRequest = ReturnType<typeof validateGenerateContentRequest>;

/** The data fields of a Part, exactly one of which must be set. */
const PART_DATA_FIELDS = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
];
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

/** Checks a generateContent body (or countTokens' `generate_content_request`); throws on the first problem. */
export function validateGenerateContentRequest(options: {
  body: unknown;
  model: FakeGeminiModel;
  requestName?: string;
}) {
  const body = parseProtoJson(options.body, 'GenerateContentRequest');
  const requestName = options.requestName ?? 'GenerateContentRequest';
  const contents = checkContents(body.contents as Content[] | undefined, requestName);
  const system = body.systemInstruction as Content | undefined;
  const promptParts = (system?.parts ?? []).flatMap((part) => (typeof part.text === 'string' ? [part.text] : []));
  for (const part of contents.flatMap((content) => content.parts ?? [])) {
    if (typeof part.text === 'string') promptParts.push(part.text);
    if (part.functionCall != null) promptParts.push(JSON.stringify(part.functionCall));
    if (part.functionResponse != null) promptParts.push(JSON.stringify(part.functionResponse));
  }
  checkTools(body.tools as Part[] | undefined, requestName);
  const generationConfig = (body.generationConfig ?? {}) as Part;
  const thinkingConfig = (generationConfig.thinkingConfig ?? {}) as Part;
  if (thinkingConfig.thinkingBudget != null && thinkingConfig.thinkingLevel != null) {
    // Unverified wording: docs/google-protocol.md §3.3 only says the two must not be combined.
    throw googleError(400, 'You can only set one of thinking budget and thinking level.');
  }
  const isThinkingOff = thinkingConfig.thinkingBudget === 0;
  if (isThinkingOff && !options.model.canDisableThinking) {
    throw googleError(400, 'Budget 0 is invalid. This model only works in thinking mode.');
  }
  // A content without `role` counts as the user's, as the API reads a single-turn request that leaves it out.
  const lastUser = contents.findLast((content) => content.role == null || content.role === 'user');
  return {
    contents,
    includeThoughts: thinkingConfig.includeThoughts === true,
    isThinkingOff,
    maxOutputTokens: generationConfig.maxOutputTokens as number | undefined,
    promptText: promptParts.join('\n'),
    /** The text parts (thoughts left out) of the last user content, for `echo` scenarios. */
    lastUserText: (lastUser?.parts ?? [])
      .map((part) => (typeof part.text === 'string' && part.thought !== true ? part.text : ''))
      .join(''),
  };
}

/** The contents checks, shared with countTokens. */
export function checkContents(contents: Content[] | undefined, requestName: string): Content[] {
  const reject = (field: string, problem: string) => rejectRequestField(requestName, field, problem);
  if (contents == null || contents.length === 0) throw reject('contents', 'contents is not specified');
  for (const [index, content] of contents.entries()) {
    if (content.role != null && content.role !== 'user' && content.role !== 'model') {
      throw googleError(400, 'Please use a valid role: user, model.');
    }
    const parts = content.parts ?? [];
    if (parts.length === 0) throw reject(`contents[${index}].parts`, 'contents.parts must not be empty.');
    for (const [partIndex, part] of parts.entries()) {
      const set = PART_DATA_FIELDS.filter((field) => part[field] != null);
      const path = `contents[${index}].parts[${partIndex}]`;
      if (set.length === 0) throw reject(`${path}.data`, "required oneof field 'data' must have one initialized field");
      if (set.length > 1) {
        const message = `Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '${set[1]}'`;
        throw rejectInvalidPayload(message, path);
      }
      const call = (part.functionCall ?? part.functionResponse) as { name?: string } | undefined;
      if (call != null && (call.name == null || call.name === '')) {
        const field = part.functionCall != null ? 'function_call' : 'function_response';
        throw reject(`${path}.${field}.name`, 'Name cannot be empty.');
      }
    }
  }
  return contents;
}

const INVALID_FUNCTION_NAME =
  'Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain ' +
  'underscores, dots, colons and dashes, with a maximum length of 128.';

function checkTools(tools: Part[] | undefined, requestName: string): void {
  for (const [toolIndex, tool] of (tools ?? []).entries()) {
    for (const [index, declaration] of ((tool.functionDeclarations ?? []) as Part[]).entries()) {
      const path = `tools[${toolIndex}].function_declarations[${index}]`;
      if (typeof declaration.name !== 'string' || !FUNCTION_NAME.test(declaration.name)) {
        throw rejectRequestField(requestName, `${path}.name`, INVALID_FUNCTION_NAME);
      }
      if (declaration.parameters != null && declaration.parametersJsonSchema != null) {
        // Unverified wording; the rule (one schema field or the other) is from docs/google-protocol.md §3.3.
        const problem = 'parameters and parameters_json_schema cannot both be set.';
        throw rejectRequestField(requestName, `${path}.parameters`, problem);
      }
    }
  }
}
