import { isPlainObject } from '../describe-json-type.ts';
import { rejectInvalidPayload } from './google-api-error.ts';

const PREFIX = 'type.googleapis.com/google.ai.generativelanguage.v1beta';

/**
 * The proto messages the fake parses, reduced to what it checks: `name:type` per field (lowerCamelCase), `[]` when
 * repeated, no type when free-form; types are scalars, `struct`, messages below or enums.
 */
const MESSAGES: Record<string, string> = {
  Blob: 'mimeType:string data:bytes',
  FileData: 'mimeType:string fileUri:string',
  FunctionCall: 'id:string name:string args:struct',
  FunctionResponse: 'id:string name:string response:struct parts willContinue:bool scheduling',
  Part:
    'text:string inlineData:Blob fileData:FileData functionCall:FunctionCall functionResponse:FunctionResponse ' +
    'executableCode codeExecutionResult thought:bool thoughtSignature:bytes videoMetadata mediaResolution partMetadata',
  Content: 'role:string parts:Part[]',
  FunctionDeclaration:
    'name:string description:string parameters parametersJsonSchema response responseJsonSchema behavior',
  Tool:
    'functionDeclarations:FunctionDeclaration[] googleSearch googleSearchRetrieval codeExecution urlContext ' +
    'computerUse fileSearch googleMaps',
  FunctionCallingConfig: 'mode:FunctionCallingConfig.Mode allowedFunctionNames:string[]',
  ToolConfig: 'functionCallingConfig:FunctionCallingConfig retrievalConfig',
  SafetySetting: 'category:HarmCategory threshold:SafetySetting.HarmBlockThreshold',
  ThinkingConfig: 'includeThoughts:bool thinkingBudget:int32 thinkingLevel:ThinkingConfig.ThinkingLevel',
  GenerationConfig:
    'stopSequences:string[] responseMimeType:string responseSchema responseJsonSchema responseModalities ' +
    'candidateCount:int32 maxOutputTokens:int32 temperature:float topP:float topK:int32 seed:int32 ' +
    'presencePenalty:float frequencyPenalty:float responseLogprobs:bool logprobs:int32 ' +
    'enableEnhancedCivicAnswers:bool speechConfig thinkingConfig:ThinkingConfig mediaResolution imageConfig',
  GenerateContentRequest:
    'model:string contents:Content[] systemInstruction:Content tools:Tool[] toolConfig:ToolConfig ' +
    'safetySettings:SafetySetting[] generationConfig:GenerationConfig cachedContent:string',
  CountTokensRequest: 'contents:Content[] generateContentRequest:GenerateContentRequest',
  EmbedContentRequest: 'model:string content:Content taskType:TaskType title:string outputDimensionality:int32',
  BatchEmbedContentsRequest: 'requests:EmbedContentRequest[]',
};

const ENUMS: Record<string, string> = {
  'FunctionCallingConfig.Mode': 'MODE_UNSPECIFIED AUTO ANY NONE VALIDATED',
  HarmCategory:
    'HARM_CATEGORY_UNSPECIFIED HARM_CATEGORY_HARASSMENT HARM_CATEGORY_HATE_SPEECH HARM_CATEGORY_SEXUALLY_EXPLICIT ' +
    'HARM_CATEGORY_DANGEROUS_CONTENT HARM_CATEGORY_CIVIC_INTEGRITY',
  'SafetySetting.HarmBlockThreshold':
    'HARM_BLOCK_THRESHOLD_UNSPECIFIED BLOCK_LOW_AND_ABOVE BLOCK_MEDIUM_AND_ABOVE BLOCK_ONLY_HIGH BLOCK_NONE OFF',
  'ThinkingConfig.ThinkingLevel': 'THINKING_LEVEL_UNSPECIFIED MINIMAL LOW MEDIUM HIGH',
  TaskType:
    'TASK_TYPE_UNSPECIFIED RETRIEVAL_QUERY RETRIEVAL_DOCUMENT SEMANTIC_SIMILARITY CLASSIFICATION CLUSTERING ' +
    'QUESTION_ANSWERING FACT_VERIFICATION CODE_RETRIEVAL_QUERY',
};

// The SDK sends upper case, Google's examples lower case; both work (docs/google-protocol.md §3.3).
const CASE_INSENSITIVE_ENUMS = new Set(['ThinkingConfig.ThinkingLevel']);

const SCALAR_CHECKS: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  bool: (value) => typeof value === 'boolean',
  int32: (value) => Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value)),
  float: (value) =>
    typeof value === 'number' || (typeof value === 'string' && value !== '' && Number.isFinite(Number(value))),
  bytes: (value) => typeof value === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value),
};

/**
 * Parses a body as Google's JSON transcoding does: unknown names and wrong types fail in its words; snake_case names
 * are accepted and come out lowerCamelCase, so later checks read one spelling.
 */
export function parseProtoJson(value: unknown, message: keyof typeof MESSAGES): Record<string, unknown> {
  if (!isPlainObject(value)) throw rejectInvalidPayload('Invalid JSON payload received. Expected an object.');
  return parseMessage(value, message, '');
}

function parseMessage(value: unknown, message: string, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalidValue(path, `${PREFIX}.${message}`, value);
  const fields = new Map<string, string | undefined>(
    (MESSAGES[message] ?? '').split(' ').map((field) => [field.split(':')[0] ?? '', field.split(':')[1]]),
  );
  const parsed: Record<string, unknown> = {};
  for (const [name, fieldValue] of Object.entries(value)) {
    const camel = name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
    if (!fields.has(camel)) {
      const where = path === '' ? '' : ` at '${path}'`;
      const message = `Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`;
      throw rejectInvalidPayload(message, path === '' ? undefined : path);
    }
    if (fieldValue === null) continue;
    const snake = camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    parsed[camel] = parseField(fieldValue, fields.get(camel), path === '' ? snake : `${path}.${snake}`);
  }
  return parsed;
}

function parseField(value: unknown, type: string | undefined, path: string): unknown {
  if (type == null) return value;
  if (type.endsWith('[]')) {
    const itemType = type.slice(0, -2);
    if (!Array.isArray(value)) throw invalidValue(path, typeName(itemType), value);
    return value.map((item, index) => parseField(item, itemType, `${path}[${index}]`));
  }
  if (MESSAGES[type] != null) return parseMessage(value, type, path);
  const enumValues = ENUMS[type]?.split(' ');
  const text = typeof value === 'string' && CASE_INSENSITIVE_ENUMS.has(type) ? value.toUpperCase() : value;
  const isValid =
    type === 'struct'
      ? typeof value === 'object' && !Array.isArray(value)
      : enumValues == null
        ? SCALAR_CHECKS[type]?.(value) === true
        : typeof text === 'string' && enumValues.includes(text);
  if (!isValid) throw invalidValue(path, typeName(type), value);
  return type === 'int32' || type === 'float' ? Number(value) : text;
}

/** How the error message names a type: `TYPE_STRING` for a scalar, the full URL for a message or enum. */
function typeName(type: string): string {
  if (type === 'struct') return 'type.googleapis.com/google.protobuf.Struct';
  return SCALAR_CHECKS[type] == null ? `${PREFIX}.${type}` : `TYPE_${type.toUpperCase()}`;
}

function invalidValue(path: string, type: string, value: unknown) {
  return rejectInvalidPayload(`Invalid value at '${path}' (${type}), ${JSON.stringify(value)}`, path);
}
