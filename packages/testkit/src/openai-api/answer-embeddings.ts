import type { ServerResponse } from 'node:http';
import { createDeterministicEmbedding } from '../create-deterministic-embedding.ts';
import { sendJson } from '../send-json.ts';
import { estimateTokens } from '../split-into-deltas.ts';
import { buildOpenAiResponseHeaders } from './answer-openai-turn.ts';
import type { FakeOpenAiModel } from './fake-openai-model.ts';
import * as check from './openai-request-checks.ts';

const KNOWN_PARAMETERS: ReadonlySet<string> = new Set(['model', 'input', 'dimensions', 'encoding_format', 'user']);
const MAX_INPUTS = 2048;

/** `POST /v1/embeddings`: deterministic unit vectors, `dimensions` and base64 encoding honoured. */
export function answerEmbeddings(options: {
  reply: ServerResponse;
  body: unknown;
  models: readonly FakeOpenAiModel[];
  shouldRejectUnknownParameters: boolean;
}): void {
  const { body, modelId } = check.readRequestBase({ ...options, known: KNOWN_PARAMETERS, isModelAParameter: false });
  const inputs = readInputs(body.input);
  const dimensions = check.readOptionalInteger('dimensions', body.dimensions);
  const encodingFormat = check.readOneOf('encoding_format', body.encoding_format ?? 'float', ['float', 'base64']);
  const model = check.resolveRequestModel({ models: options.models, id: modelId, endpoint: 'embeddings' });
  const native = model.dimensions ?? 1536;
  if (dimensions != null && !model.supportsDimensions) {
    throw check.openAiError({ message: 'This model does not support specifying dimensions.' });
  }
  if (dimensions != null && dimensions > native) {
    const message = `Invalid 'dimensions': integer above maximum value. Expected a value <= ${native}, but got ${dimensions} instead.`;
    throw check.openAiError({ message, param: 'dimensions', code: 'integer_above_max_value' });
  }
  const data = inputs.map((text, index) => {
    const vector = createDeterministicEmbedding({ modelId: model.id, text, nativeDimensions: native, dimensions });
    const embedding =
      encodingFormat === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
  sendJson({
    reply: options.reply,
    body: { object: 'list', data, model: model.id, usage: { prompt_tokens: tokens, total_tokens: tokens } },
    headers: buildOpenAiResponseHeaders(),
  });
}

/** Each input as text; token arrays are joined with commas, which is enough to tell them apart. */
function readInputs(input: unknown): string[] {
  if (input == null) check.rejectMissing('input');
  // The real server answers every malformed input with this one generic message.
  const invalid = () =>
    check.openAiError({
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
