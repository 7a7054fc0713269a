import type { ServerResponse } from 'node:http';
import { createDeterministicEmbedding } from '../create-deterministic-embedding.ts';
import { estimateTokens } from '../split-into-deltas.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { rejectRequestField, sendGoogleJson } from './google-api-error.ts';
import { parseProtoJson } from './parse-proto-json.ts';
import { checkContents, validateGenerateContentRequest } from './validate-generate-content-request.ts';

/** `:countTokens` (docs/google-protocol.md §3.8), the same estimate generateContent reports as `promptTokenCount`. */
export function answerCountTokens(options: { body: unknown; reply: ServerResponse; model: FakeGeminiModel }): void {
  const body = parseProtoJson(options.body, 'CountTokensRequest');
  let promptText: string;
  if (body.generateContentRequest != null) {
    if (body.contents != null) {
      // Unverified wording; the two fields are alternatives in the API reference.
      const problem = 'contents and generate_content_request cannot both be set';
      throw rejectRequestField('CountTokensRequest', 'contents', problem);
    }
    promptText = validateGenerateContentRequest({
      body: body.generateContentRequest,
      model: options.model,
      requestName: 'CountTokensRequest.generate_content_request',
    }).promptText;
  } else {
    const contents = checkContents(body.contents as Parameters<typeof checkContents>[0], 'CountTokensRequest');
    promptText = joinPartsText(contents.flatMap((content) => content.parts ?? []));
  }
  const totalTokens = estimateTokens(promptText);
  sendGoogleJson(options.reply, { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] });
}

/** `:embedContent` and `:batchEmbedContents` (one deterministic vector per request, whose model must be the URL's). */
export function answerEmbedContent(options: {
  body: unknown;
  reply: ServerResponse;
  model: FakeGeminiModel;
  isBatch: boolean;
}): void {
  const { model } = options;
  if (!options.isBatch) {
    const values = embedOne(parseProtoJson(options.body, 'EmbedContentRequest'), model, 'EmbedContentRequest');
    sendGoogleJson(options.reply, { embedding: { values } });
    return;
  }
  const batch = parseProtoJson(options.body, 'BatchEmbedContentsRequest');
  const requests = (batch.requests ?? []) as Record<string, unknown>[];
  if (requests.length === 0) {
    throw rejectRequestField('BatchEmbedContentsRequest', 'requests', 'requests is not specified');
  }
  const embeddings = requests.map((request, index) => {
    const requestName = `BatchEmbedContentsRequest.requests[${index}]`;
    if (request.model != null && request.model !== `models/${model.id}`) {
      // Unverified wording; the rule that every request names the URL's model is from the API reference.
      const problem = `model must be models/${model.id}, the model in the URL`;
      throw rejectRequestField('BatchEmbedContentsRequest', `requests[${index}].model`, problem);
    }
    return { values: embedOne(request, model, requestName) };
  });
  sendGoogleJson(options.reply, { embeddings });
}

function embedOne(body: Record<string, unknown>, model: FakeGeminiModel, requestName: string): number[] {
  const content = body.content as { parts?: Record<string, unknown>[] } | undefined;
  if (content == null) throw rejectRequestField(requestName, 'content', 'content is not specified');
  const parts = content.parts ?? [];
  if (parts.length === 0) throw rejectRequestField(requestName, 'content.parts', 'contents.parts must not be empty.');
  const text = joinPartsText(parts);
  const native = model.embeddingDimensions ?? 3072;
  const dimensions = body.outputDimensionality as number | undefined;
  if (dimensions != null && (dimensions < 1 || dimensions > native)) {
    throw rejectRequestField(requestName, 'output_dimensionality', `must be between 1 and ${native}.`);
  }
  const vector = createDeterministicEmbedding({ modelId: model.id, text, nativeDimensions: native });
  // Google normalises only the full-length vector; shorter ones are cut and left for the caller to normalise.
  return dimensions == null ? vector : vector.slice(0, dimensions);
}

/** The text of content parts for a count or an embedding; a part that is not text counts as its JSON. */
function joinPartsText(parts: readonly Record<string, unknown>[]): string {
  return parts.map((part) => (typeof part.text === 'string' ? part.text : JSON.stringify(part))).join('\n');
}
