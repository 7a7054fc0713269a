import type { AiRequest, RoutingRules } from '@pag/contracts';
import type { LanguageModelV3CallOptions } from '@pag/providers';
import type { DomainContext } from '../domain-context.ts';
import { findFeature } from '../features/list-features.ts';
import { compileOutputSchema, type OutputValidator } from '../structured-output/compile-output-schema.ts';
import { buildPrompt, hasImages } from './build-prompt.ts';

/** What a note-app request asks of the model, before any route is planned. */
export type NoteCall = {
  call: Omit<LanguageModelV3CallOptions, 'abortSignal' | 'providerOptions'>;
  /** The request's own model; null: the feature's, else the user's default (`defaultModel`). */
  requestedModel: string | null;
  /** The feature's model: the default a caller's policy may override (the router decides, docs/cors.md). */
  defaultModel: string | null;
  reasoningEffort: string | undefined;
  /** The output schema (the request's, else the feature's), compiled; null: the answer is free text. */
  outputValidator: OutputValidator | null;
  hasImages: boolean;
  /** The feature's routing rules (issue 19); null: no feature or no rule. */
  routing: RoutingRules | null;
};

/**
 * A note-app request as a model call: the feature it names (built-in or the user's own; unknown → 400), the prompt
 * with its images, and structured output when a schema applies — `responseFormat: { type: 'json', schema, name }`,
 * which every adapter turns into its upstream's own structured-output request.
 */
export async function prepareNoteCall(context: DomainContext, userId: string, request: AiRequest): Promise<NoteCall> {
  const feature = request.feature == null ? null : await findFeature(context, { userId, name: request.feature });
  const prompt = buildPrompt(request, request.system == null ? (feature?.prompt ?? null) : null);
  const schema = request.schema ?? feature?.schema ?? null;
  const outputValidator =
    schema == null ? null : compileOutputSchema(schema, request.schema == null ? 'feature' : 'schema');
  const call: NoteCall['call'] = { prompt };
  if (schema != null) call.responseFormat = { type: 'json', schema, name: feature?.name ?? 'note_output' };
  return {
    call,
    requestedModel: request.model ?? null,
    defaultModel: feature?.model ?? null,
    reasoningEffort: request.reasoning?.effort ?? feature?.reasoningEffort ?? undefined,
    outputValidator,
    hasImages: hasImages(prompt),
    routing: feature?.routing ?? null,
  };
}
