import type { ServerResponse } from 'node:http';
import type { FakeRequest } from '../fake-request.ts';
import { createDeterministicEmbedding } from '../openai-api/create-deterministic-embedding.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { BATCH_EMBED_CONTENTS_REQUEST_SHAPE, EMBED_CONTENT_REQUEST_SHAPE } from './gemini-request-shapes.ts';
import { GoogleRequestRejectedError, rejectRequestField, sendGoogleJson } from './google-api-error.ts';
import { readGeminiJsonBody } from './on-gemini-route.ts';
import { parseProtoJson } from './parse-proto-json.ts';

type EmbedOptions = { request: FakeRequest<Record<string, string>>; reply: ServerResponse; model: FakeGeminiModel };

/** `:embedContent`: one deterministic vector for the content's text. */
export function answerEmbedContent(options: EmbedOptions): void {
  const body = parseProtoJson({ value: readGeminiJsonBody(options.request), shape: EMBED_CONTENT_REQUEST_SHAPE });
  const values = embedOne({ body, model: options.model, requestName: 'EmbedContentRequest' });
  sendGoogleJson({ reply: options.reply, body: { embedding: { values } } });
}

/** `:batchEmbedContents`: one vector per request, in order; each request may name the model, which must match. */
export function answerBatchEmbedContents(options: EmbedOptions): void {
  const body = parseProtoJson({
    value: readGeminiJsonBody(options.request),
    shape: BATCH_EMBED_CONTENTS_REQUEST_SHAPE,
  });
  const requests = (body.requests ?? []) as Record<string, unknown>[];
  if (requests.length === 0) {
    throw rejectRequestField({
      request: 'BatchEmbedContentsRequest',
      field: 'requests',
      problem: 'requests is not specified',
    });
  }
  const embeddings = requests.map((request, index) => {
    if (request.model != null && request.model !== `models/${options.model.id}`) {
      // Unverified wording; the rule that every request names the URL's model is from the API reference.
      throw rejectRequestField({
        request: 'BatchEmbedContentsRequest',
        field: `requests[${index}].model`,
        problem: `model must be models/${options.model.id}, the model in the URL`,
      });
    }
    return {
      values: embedOne({
        body: request,
        model: options.model,
        requestName: `BatchEmbedContentsRequest.requests[${index}]`,
      }),
    };
  });
  sendGoogleJson({ reply: options.reply, body: { embeddings } });
}

function embedOne(options: { body: Record<string, unknown>; model: FakeGeminiModel; requestName: string }): number[] {
  const { body, model } = options;
  const content = body.content as { parts?: Record<string, unknown>[] } | undefined;
  if (content == null)
    throw rejectRequestField({ request: options.requestName, field: 'content', problem: 'content is not specified' });
  const parts = content.parts ?? [];
  if (parts.length === 0) {
    throw rejectRequestField({
      request: options.requestName,
      field: 'content.parts',
      problem: 'contents.parts must not be empty.',
    });
  }
  const text = parts.map((part) => (typeof part.text === 'string' ? part.text : JSON.stringify(part))).join('\n');
  const native = model.embeddingDimensions ?? 3072;
  const dimensions = body.outputDimensionality as number | undefined;
  if (dimensions != null && (dimensions < 1 || dimensions > native)) {
    throw new GoogleRequestRejectedError({
      code: 400,
      message: `* ${options.requestName}.output_dimensionality: must be between 1 and ${native}.\n`,
    });
  }
  const vector = createDeterministicEmbedding({ modelId: model.id, text, nativeDimensions: native });
  // Google normalises only the full-length vector; shorter ones are cut and left for the caller to normalise.
  return dimensions == null ? vector : vector.slice(0, dimensions);
}
