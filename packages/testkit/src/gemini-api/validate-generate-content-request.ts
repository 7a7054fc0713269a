import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { GENERATE_CONTENT_REQUEST_SHAPE, PART_DATA_FIELDS } from './gemini-request-shapes.ts';
import { GoogleRequestRejectedError, rejectInvalidPayload, rejectRequestField } from './google-api-error.ts';
import { parseProtoJson } from './parse-proto-json.ts';

type Part = Record<string, unknown>;
type Content = { role?: string; parts?: Part[] };

export type GenerateContentRequest = {
  /** The body in lowerCamelCase. */
  body: Record<string, unknown>;
  contents: Content[];
  includeThoughts: boolean;
  isThinkingOff: boolean;
  maxOutputTokens: number | undefined;
  promptText: string;
};

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

export type ValidateGenerateContentRequestOptions = {
  body: unknown;
  model: FakeGeminiModel;
  /** `GenerateContentRequest`, or `CountTokensRequest.generate_content_request` when nested. */
  requestName?: string;
};

/** Checks a generateContent body as the real API does; throws `GoogleRequestRejectedError` on the first problem. */
export function validateGenerateContentRequest(options: ValidateGenerateContentRequestOptions): GenerateContentRequest {
  const body = parseProtoJson({ value: options.body, shape: GENERATE_CONTENT_REQUEST_SHAPE });
  const requestName = options.requestName ?? 'GenerateContentRequest';
  const contents = checkContents({ contents: body.contents as Content[] | undefined, requestName });
  const promptParts: string[] = [];
  const system = body.systemInstruction as Content | undefined;
  for (const part of system?.parts ?? []) if (typeof part.text === 'string') promptParts.push(part.text);
  for (const content of contents) {
    for (const part of content.parts ?? []) {
      if (typeof part.text === 'string') promptParts.push(part.text);
      if (part.functionCall != null) promptParts.push(JSON.stringify(part.functionCall));
      if (part.functionResponse != null) promptParts.push(JSON.stringify(part.functionResponse));
    }
  }
  checkTools({ tools: body.tools as Record<string, unknown>[] | undefined, requestName });
  const generationConfig = (body.generationConfig ?? {}) as Record<string, unknown>;
  const thinkingConfig = (generationConfig.thinkingConfig ?? {}) as Record<string, unknown>;
  if (thinkingConfig.thinkingBudget != null && thinkingConfig.thinkingLevel != null) {
    // Unverified wording: docs/google-protocol.md §3.3 only says the two must not be combined.
    throw new GoogleRequestRejectedError({
      code: 400,
      message: 'You can only set one of thinking budget and thinking level.',
    });
  }
  const isThinkingOff = thinkingConfig.thinkingBudget === 0;
  if (isThinkingOff && !options.model.canDisableThinking) {
    throw new GoogleRequestRejectedError({
      code: 400,
      message: 'Budget 0 is invalid. This model only works in thinking mode.',
    });
  }
  return {
    body,
    contents,
    includeThoughts: thinkingConfig.includeThoughts === true,
    isThinkingOff,
    maxOutputTokens: generationConfig.maxOutputTokens as number | undefined,
    promptText: promptParts.join('\n'),
  };
}

/** The contents checks, shared with countTokens. */
export function checkContents(options: { contents: Content[] | undefined; requestName: string }): Content[] {
  const { contents, requestName } = options;
  if (contents == null || contents.length === 0) {
    throw rejectRequestField({ request: requestName, field: 'contents', problem: 'contents is not specified' });
  }
  for (const [index, content] of contents.entries()) {
    if (content.role != null && content.role !== 'user' && content.role !== 'model') {
      throw new GoogleRequestRejectedError({ code: 400, message: 'Please use a valid role: user, model.' });
    }
    const parts = content.parts ?? [];
    if (parts.length === 0) {
      throw rejectRequestField({
        request: requestName,
        field: `contents[${index}].parts`,
        problem: 'contents.parts must not be empty.',
      });
    }
    for (const [partIndex, part] of parts.entries()) {
      const set = PART_DATA_FIELDS.filter((field) => part[field] != null);
      const path = `contents[${index}].parts[${partIndex}]`;
      if (set.length === 0) {
        throw rejectRequestField({
          request: requestName,
          field: `${path}.data`,
          problem: "required oneof field 'data' must have one initialized field",
        });
      }
      if (set.length > 1) {
        throw rejectInvalidPayload({
          message: `Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '${set[1]}'`,
          field: path,
        });
      }
      const call = (part.functionCall ?? part.functionResponse) as { name?: string } | undefined;
      if (call != null && (call.name == null || call.name === '')) {
        const field = part.functionCall != null ? 'function_call' : 'function_response';
        throw rejectRequestField({
          request: requestName,
          field: `${path}.${field}.name`,
          problem: 'Name cannot be empty.',
        });
      }
    }
  }
  return contents;
}

function checkTools(options: { tools: Record<string, unknown>[] | undefined; requestName: string }): void {
  for (const [toolIndex, tool] of (options.tools ?? []).entries()) {
    const declarations = (tool.functionDeclarations ?? []) as Record<string, unknown>[];
    for (const [index, declaration] of declarations.entries()) {
      const path = `tools[${toolIndex}].function_declarations[${index}]`;
      if (typeof declaration.name !== 'string' || !FUNCTION_NAME.test(declaration.name)) {
        throw rejectRequestField({
          request: options.requestName,
          field: `${path}.name`,
          problem:
            'Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain ' +
            'underscores, dots, colons and dashes, with a maximum length of 128.',
        });
      }
      if (declaration.parameters != null && declaration.parametersJsonSchema != null) {
        // Unverified wording; the rule (one schema field or the other) is from docs/google-protocol.md §3.3.
        throw rejectRequestField({
          request: options.requestName,
          field: `${path}.parameters`,
          problem: 'parameters and parameters_json_schema cannot both be set.',
        });
      }
    }
  }
}
