import { createHash } from 'node:crypto';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { googleError } from './google-api-error.ts';

type Part = Record<string, unknown> & { functionCall?: { name?: string }; thoughtSignature?: string };

export type ThoughtSignatureRegistry = ReturnType<typeof createThoughtSignatureRegistry>;

/** Remembers which signatures the fake handed out, so a replayed turn can be checked against them. */
export function createThoughtSignatureRegistry() {
  const issued = new Map<string, { model: string; functionName: string | undefined }>();
  return {
    /** A signature for a part of one answer; deterministic, so fixtures stay stable. */
    issue(options: { model: string; serial: string; index: number; functionName?: string }): string {
      const seed = `${options.model}:${options.serial}:${options.index}:${options.functionName ?? ''}`;
      // Real signatures are long opaque base64; two digests give a similar look without pretending to be one.
      const signature = Buffer.concat(
        ['sig1', 'sig2'].map((salt) => createHash('sha256').update(`${salt}:${seed}`).digest()),
      ).toString('base64');
      issued.set(signature, { model: options.model, functionName: options.functionName });
      return signature;
    },
    find: (signature: string) => issued.get(signature),
  };
}

/**
 * Gemini 3 requires each model step of the current turn (everything after the last user message that is not only
 * function responses) to carry its first function call's `thoughtSignature`, unchanged (docs/google-protocol.md §3.7).
 */
export function checkThoughtSignatures(options: {
  contents: readonly { role?: string; parts?: Part[] }[];
  model: FakeGeminiModel;
  registry: ThoughtSignatureRegistry;
}): void {
  const { contents, model } = options;
  if (!model.requiresThoughtSignatures) return;
  const turnStart =
    1 +
    contents.findLastIndex(
      (content) => content.role !== 'model' && (content.parts ?? []).some((part) => part.functionResponse == null),
    );
  for (const [index, content] of contents.entries()) {
    if (index < turnStart || content.role !== 'model') continue;
    const calls = (content.parts ?? []).filter((part) => part.functionCall != null);
    const first = calls[0];
    if (first == null) continue;
    if (first.thoughtSignature == null || first.thoughtSignature === '') {
      // The real message names the call as `default_api:<name>` and the content's 1-based position.
      throw googleError(
        400,
        'Function call is missing a thought_signature in functionCall parts. This is required for tools to work ' +
          'correctly, and missing thought_signature may lead to degraded model performance. Additional data, function ' +
          `call \`default_api:${first.functionCall?.name ?? ''}\` , position ${index + 1}. Please refer to ` +
          'https://ai.google.dev/gemini-api/docs/thought-signatures for more details.',
      );
    }
    for (const part of calls) {
      if (part.thoughtSignature == null) continue;
      const issued = options.registry.find(part.thoughtSignature);
      if (issued == null || issued.functionName !== part.functionCall?.name) {
        throw googleError(400, 'Corrupted thought signature.');
      }
      if (issued.model !== model.id) throw googleError(400, 'Invalid thought signature.');
    }
  }
}
