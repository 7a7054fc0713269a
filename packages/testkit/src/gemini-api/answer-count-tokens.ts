import type { ServerResponse } from 'node:http';
import type { FakeRequest } from '../fake-request.ts';
import { estimateTokens } from '../openai-api/split-into-deltas.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { COUNT_TOKENS_REQUEST_SHAPE } from './gemini-request-shapes.ts';
import { rejectRequestField, sendGoogleJson } from './google-api-error.ts';
import { readGeminiJsonBody } from './on-gemini-route.ts';
import { parseProtoJson } from './parse-proto-json.ts';
import { checkContents, validateGenerateContentRequest } from './validate-generate-content-request.ts';

/**
 * `:countTokens` with `contents` or a whole `generateContentRequest` (docs/google-protocol.md §3.8). The count is the
 * same estimate generateContent reports as `promptTokenCount`, so the two agree.
 */
export function answerCountTokens(options: {
  request: FakeRequest<Record<string, string>>;
  reply: ServerResponse;
  model: FakeGeminiModel;
}): void {
  const body = parseProtoJson({ value: readGeminiJsonBody(options.request), shape: COUNT_TOKENS_REQUEST_SHAPE });
  let promptText: string;
  if (body.generateContentRequest != null) {
    if (body.contents != null) {
      // Unverified wording; the two fields are alternatives in the API reference.
      throw rejectRequestField({
        request: 'CountTokensRequest',
        field: 'contents',
        problem: 'contents and generate_content_request cannot both be set',
      });
    }
    promptText = validateGenerateContentRequest({
      body: body.generateContentRequest,
      model: options.model,
      requestName: 'CountTokensRequest.generate_content_request',
    }).promptText;
  } else {
    const contents = checkContents({
      contents: body.contents as Parameters<typeof checkContents>[0]['contents'],
      requestName: 'CountTokensRequest',
    });
    promptText = contents
      .flatMap((content) => content.parts ?? [])
      .map((part) => (typeof part.text === 'string' ? part.text : JSON.stringify(part)))
      .join('\n');
  }
  const totalTokens = estimateTokens(promptText);
  sendGoogleJson({
    reply: options.reply,
    body: { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] },
  });
}
