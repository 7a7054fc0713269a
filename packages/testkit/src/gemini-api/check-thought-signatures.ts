import type { ThoughtSignatureRegistry } from './create-thought-signature-registry.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { GoogleRequestRejectedError } from './google-api-error.ts';

type Part = Record<string, unknown> & { functionCall?: { name?: string }; thoughtSignature?: string };
type Content = { role?: string; parts?: Part[] };

export type CheckThoughtSignaturesOptions = {
  contents: readonly Content[];
  model: FakeGeminiModel;
  registry: ThoughtSignatureRegistry;
};

/**
 * Gemini 3 requires each model step of the current turn (everything after the last user message that is not only
 * function responses) to carry its first function call's `thoughtSignature`, unchanged (docs/google-protocol.md §3.7).
 */
export function checkThoughtSignatures(options: CheckThoughtSignaturesOptions): void {
  const { contents, model, registry } = options;
  if (!model.requiresThoughtSignatures) return;
  let turnStart = 0;
  for (const [index, content] of contents.entries()) {
    const isUserMessage =
      content.role !== 'model' && (content.parts ?? []).some((part) => part.functionResponse == null);
    if (isUserMessage) turnStart = index + 1;
  }
  for (const [index, content] of contents.entries()) {
    if (index < turnStart || content.role !== 'model') continue;
    const calls = (content.parts ?? []).filter((part) => part.functionCall != null);
    const first = calls[0];
    if (first == null) continue;
    if (first.thoughtSignature == null || first.thoughtSignature === '') {
      // The real message names the call as `default_api:<name>` and the content's 1-based position.
      throw new GoogleRequestRejectedError({
        code: 400,
        message:
          'Function call is missing a thought_signature in functionCall parts. This is required for tools to work ' +
          'correctly, and missing thought_signature may lead to degraded model performance. Additional data, function ' +
          `call \`default_api:${first.functionCall?.name ?? ''}\` , position ${index + 1}. Please refer to ` +
          'https://ai.google.dev/gemini-api/docs/thought-signatures for more details.',
      });
    }
    for (const part of calls) {
      if (part.thoughtSignature == null) continue;
      const issued = registry.find(part.thoughtSignature);
      if (issued == null || issued.functionName !== part.functionCall?.name) {
        throw new GoogleRequestRejectedError({ code: 400, message: 'Corrupted thought signature.' });
      }
      if (issued.model !== model.id) {
        throw new GoogleRequestRejectedError({ code: 400, message: 'Invalid thought signature.' });
      }
    }
  }
}
