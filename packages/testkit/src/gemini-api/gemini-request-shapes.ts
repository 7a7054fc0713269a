/**
 * The proto messages the fake parses, reduced to what it checks: known field names (lowerCamelCase on the wire;
 * snake_case is accepted too, as proto JSON parsing does) and scalar types. Schemas, args and responses are free-form.
 */
export type ProtoField =
  | { kind: 'struct' }
  | { kind: 'any' }
  | {
      kind: 'scalar';
      type: 'TYPE_STRING' | 'TYPE_INT32' | 'TYPE_FLOAT' | 'TYPE_BOOL' | 'TYPE_BYTES';
      isRepeated?: boolean;
    }
  | { kind: 'enum'; type: string; values: readonly string[]; isCaseInsensitive?: boolean }
  | { kind: 'message'; shape: ProtoShape; isRepeated?: boolean };

export type ProtoShape = { type: string; fields: Record<string, ProtoField> };

const PREFIX = 'type.googleapis.com/google.ai.generativelanguage.v1beta';
const string = { kind: 'scalar', type: 'TYPE_STRING' } as const;
const int = { kind: 'scalar', type: 'TYPE_INT32' } as const;
const float = { kind: 'scalar', type: 'TYPE_FLOAT' } as const;
const bool = { kind: 'scalar', type: 'TYPE_BOOL' } as const;
const any = { kind: 'any' } as const;
const message = (shape: ProtoShape, isRepeated = false): ProtoField => ({ kind: 'message', shape, isRepeated });

const BLOB: ProtoShape = {
  type: `${PREFIX}.Blob`,
  fields: { mimeType: string, data: { kind: 'scalar', type: 'TYPE_BYTES' } },
};
const FILE_DATA: ProtoShape = { type: `${PREFIX}.FileData`, fields: { mimeType: string, fileUri: string } };
const FUNCTION_CALL: ProtoShape = {
  type: `${PREFIX}.FunctionCall`,
  fields: { id: string, name: string, args: { kind: 'struct' } },
};
const FUNCTION_RESPONSE: ProtoShape = {
  type: `${PREFIX}.FunctionResponse`,
  fields: { id: string, name: string, response: { kind: 'struct' }, parts: any, willContinue: bool, scheduling: any },
};

/** The data fields of a Part, exactly one of which must be set. */
export const PART_DATA_FIELDS = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
] as const;

export const PART_SHAPE: ProtoShape = {
  type: `${PREFIX}.Part`,
  fields: {
    text: string,
    inlineData: message(BLOB),
    fileData: message(FILE_DATA),
    functionCall: message(FUNCTION_CALL),
    functionResponse: message(FUNCTION_RESPONSE),
    executableCode: any,
    codeExecutionResult: any,
    thought: bool,
    thoughtSignature: { kind: 'scalar', type: 'TYPE_BYTES' },
    videoMetadata: any,
    mediaResolution: any,
    partMetadata: any,
  },
};

export const CONTENT_SHAPE: ProtoShape = {
  type: `${PREFIX}.Content`,
  fields: { role: string, parts: message(PART_SHAPE, true) },
};

const FUNCTION_DECLARATION: ProtoShape = {
  type: `${PREFIX}.FunctionDeclaration`,
  fields: {
    name: string,
    description: string,
    parameters: any,
    parametersJsonSchema: any,
    response: any,
    responseJsonSchema: any,
    behavior: any,
  },
};

const TOOL: ProtoShape = {
  type: `${PREFIX}.Tool`,
  fields: {
    functionDeclarations: message(FUNCTION_DECLARATION, true),
    googleSearch: any,
    googleSearchRetrieval: any,
    codeExecution: any,
    urlContext: any,
    computerUse: any,
    fileSearch: any,
    googleMaps: any,
  },
};

const TOOL_CONFIG: ProtoShape = {
  type: `${PREFIX}.ToolConfig`,
  fields: {
    functionCallingConfig: message({
      type: `${PREFIX}.FunctionCallingConfig`,
      fields: {
        mode: {
          kind: 'enum',
          type: `${PREFIX}.FunctionCallingConfig.Mode`,
          values: ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'],
        },
        allowedFunctionNames: { kind: 'scalar', type: 'TYPE_STRING', isRepeated: true },
      },
    }),
    retrievalConfig: any,
  },
};

const SAFETY_SETTING: ProtoShape = {
  type: `${PREFIX}.SafetySetting`,
  fields: {
    category: {
      kind: 'enum',
      type: `${PREFIX}.HarmCategory`,
      values: [
        'HARM_CATEGORY_UNSPECIFIED',
        'HARM_CATEGORY_HARASSMENT',
        'HARM_CATEGORY_HATE_SPEECH',
        'HARM_CATEGORY_SEXUALLY_EXPLICIT',
        'HARM_CATEGORY_DANGEROUS_CONTENT',
        'HARM_CATEGORY_CIVIC_INTEGRITY',
      ],
    },
    threshold: {
      kind: 'enum',
      type: `${PREFIX}.SafetySetting.HarmBlockThreshold`,
      values: [
        'HARM_BLOCK_THRESHOLD_UNSPECIFIED',
        'BLOCK_LOW_AND_ABOVE',
        'BLOCK_MEDIUM_AND_ABOVE',
        'BLOCK_ONLY_HIGH',
        'BLOCK_NONE',
        'OFF',
      ],
    },
  },
};

const THINKING_CONFIG: ProtoShape = {
  type: `${PREFIX}.ThinkingConfig`,
  fields: {
    includeThoughts: bool,
    thinkingBudget: int,
    // The SDK sends upper case, Google's examples lower case; both work (docs/google-protocol.md §3.3).
    thinkingLevel: {
      kind: 'enum',
      type: `${PREFIX}.ThinkingConfig.ThinkingLevel`,
      values: ['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH'],
      isCaseInsensitive: true,
    },
  },
};

const GENERATION_CONFIG: ProtoShape = {
  type: `${PREFIX}.GenerationConfig`,
  fields: {
    stopSequences: { kind: 'scalar', type: 'TYPE_STRING', isRepeated: true },
    responseMimeType: string,
    responseSchema: any,
    responseJsonSchema: any,
    responseModalities: any,
    candidateCount: int,
    maxOutputTokens: int,
    temperature: float,
    topP: float,
    topK: int,
    seed: int,
    presencePenalty: float,
    frequencyPenalty: float,
    responseLogprobs: bool,
    logprobs: int,
    enableEnhancedCivicAnswers: bool,
    speechConfig: any,
    thinkingConfig: message(THINKING_CONFIG),
    mediaResolution: any,
    imageConfig: any,
  },
};

export const GENERATE_CONTENT_REQUEST_SHAPE: ProtoShape = {
  type: `${PREFIX}.GenerateContentRequest`,
  fields: {
    model: string,
    contents: message(CONTENT_SHAPE, true),
    systemInstruction: message(CONTENT_SHAPE),
    tools: message(TOOL, true),
    toolConfig: message(TOOL_CONFIG),
    safetySettings: message(SAFETY_SETTING, true),
    generationConfig: message(GENERATION_CONFIG),
    cachedContent: string,
  },
};

export const COUNT_TOKENS_REQUEST_SHAPE: ProtoShape = {
  type: `${PREFIX}.CountTokensRequest`,
  fields: { contents: message(CONTENT_SHAPE, true), generateContentRequest: message(GENERATE_CONTENT_REQUEST_SHAPE) },
};

export const EMBED_CONTENT_REQUEST_SHAPE: ProtoShape = {
  type: `${PREFIX}.EmbedContentRequest`,
  fields: {
    model: string,
    content: message(CONTENT_SHAPE),
    taskType: {
      kind: 'enum',
      type: `${PREFIX}.TaskType`,
      values: [
        'TASK_TYPE_UNSPECIFIED',
        'RETRIEVAL_QUERY',
        'RETRIEVAL_DOCUMENT',
        'SEMANTIC_SIMILARITY',
        'CLASSIFICATION',
        'CLUSTERING',
        'QUESTION_ANSWERING',
        'FACT_VERIFICATION',
        'CODE_RETRIEVAL_QUERY',
      ],
    },
    title: string,
    outputDimensionality: int,
  },
};

export const BATCH_EMBED_CONTENTS_REQUEST_SHAPE: ProtoShape = {
  type: `${PREFIX}.BatchEmbedContentsRequest`,
  fields: { requests: message(EMBED_CONTENT_REQUEST_SHAPE, true) },
};
