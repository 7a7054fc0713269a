import { isPlainObject } from '../describe-json-type.ts';
import type { FakeOpenAiModel } from './fake-openai-model.ts';
import { OPENAI_API_MESSAGES, OpenAiRequestRejectedError } from './openai-api-error.ts';
import {
  readOptionalPositiveInteger,
  rejectMissing,
  rejectType,
  rejectUnknownParameters,
  rejectValue,
} from './openai-request-checks.ts';
import { resolveRequestModel } from './resolve-request-model.ts';

export type EmbeddingsRequest = {
  model: FakeOpenAiModel;
  /** Each input as text; token arrays are joined with commas, which is enough to tell them apart. */
  inputs: string[];
  dimensions: number | undefined;
  encodingFormat: 'float' | 'base64';
};

const KNOWN_PARAMETERS: ReadonlySet<string> = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);
const MAX_INPUTS = 2048;

export type ValidateEmbeddingsRequestOptions = {
  body: unknown;
  models: readonly FakeOpenAiModel[];
  shouldRejectUnknownParameters: boolean;
};

export function validateEmbeddingsRequest(options: ValidateEmbeddingsRequestOptions): EmbeddingsRequest {
  const { body } = options;
  if (!isPlainObject(body)) throw new OpenAiRequestRejectedError({ message: OPENAI_API_MESSAGES.invalidJson });
  if (options.shouldRejectUnknownParameters) rejectUnknownParameters({ body, known: KNOWN_PARAMETERS });
  if (body.model == null || body.model === '') {
    throw new OpenAiRequestRejectedError({ message: OPENAI_API_MESSAGES.missingModel });
  }
  if (typeof body.model !== 'string') rejectType({ param: 'model', expected: 'a string', value: body.model });
  const inputs = readInputs(body.input);
  const dimensions = readOptionalPositiveInteger({ param: 'dimensions', value: body.dimensions });
  const encodingFormat = body.encoding_format ?? 'float';
  if (encodingFormat !== 'float' && encodingFormat !== 'base64') {
    rejectValue({ param: 'encoding_format', value: encodingFormat, supported: ['float', 'base64'] });
  }
  const model = resolveRequestModel({ models: options.models, id: body.model, endpoint: 'embeddings' });
  if (dimensions != null) {
    if (!model.supportsDimensions) {
      throw new OpenAiRequestRejectedError({ message: 'This model does not support specifying dimensions.' });
    }
    const native = model.dimensions ?? 0;
    if (dimensions > native) {
      throw new OpenAiRequestRejectedError({
        message: `Invalid 'dimensions': integer above maximum value. Expected a value <= ${native}, but got ${dimensions} instead.`,
        param: 'dimensions',
        code: 'integer_above_max_value',
      });
    }
  }
  return { model, inputs, dimensions, encodingFormat };
}

function readInputs(input: unknown): string[] {
  if (input == null) rejectMissing('input');
  // The real server answers every malformed input with this one generic message.
  const invalid = () =>
    new OpenAiRequestRejectedError({
      message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
    });
  if (typeof input === 'string') {
    if (input === '') throw invalid();
    return [input];
  }
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) throw invalid();
  if (input.every((item) => typeof item === 'number')) return [input.join(',')];
  return input.map((item) => {
    if (typeof item === 'string' && item !== '') return item;
    if (Array.isArray(item) && item.length > 0 && item.every((token) => Number.isInteger(token))) return item.join(',');
    throw invalid();
  });
}
