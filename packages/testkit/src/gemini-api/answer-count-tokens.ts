import type { ServerResponse } from 'node:http';
import { estimateTokens } from '../split-into-deltas.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { rejectRequestField, sendGoogleJson } from './google-api-error.ts';
import { parseProtoJson } from './parse-proto-json.ts';
import { checkContents, validateGenerateContentRequest } from './validate-generate-content-request.ts';

/**
 * `:countTokens` with `contents` or a whole `generateContentRequest` (docs/google-protocol.md §3.8). The count is the
 * same estimate generateContent reports as `promptTokenCount`, so the two agree.
 */
export function answerCountTokens(options: { body: unknown; reply: ServerResponse; model: FakeGeminiModel }): void {
  const body = parseProtoJson(options.body, 'CountTokensRequest');
  let promptText: string;
  if (body.generateContentRequest != null) {
    if (body.contents != null) {
      // Unverified wording; the two fields are alternatives in the API reference.
      throw rejectRequestField(
        'CountTokensRequest',
        'contents',
        'contents and generate_content_request cannot both be set',
      );
    }
    promptText = validateGenerateContentRequest({
      body: body.generateContentRequest,
      model: options.model,
      requestName: 'CountTokensRequest.generate_content_request',
    }).promptText;
  } else {
    promptText = checkContents(body.contents as Parameters<typeof checkContents>[0], 'CountTokensRequest')
      .flatMap((content) => content.parts ?? [])
      .map((part) => (typeof part.text === 'string' ? part.text : JSON.stringify(part)))
      .join('\n');
  }
  const totalTokens = estimateTokens(promptText);
  sendGoogleJson(options.reply, { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] });
}
