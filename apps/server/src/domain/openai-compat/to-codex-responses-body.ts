import { DEFAULT_CODEX_INSTRUCTIONS } from '@pag/providers';
import type { ResponsesRequest } from './responses-request.ts';

/** Fields the Codex backend refuses ("Unsupported parameter", codex-protocol.md §8.2) or that mean nothing there. */
const DROPPED_FIELDS = [
  'max_output_tokens',
  'max_tokens',
  'max_completion_tokens',
  'background',
  'previous_response_id',
  'user',
  'metadata',
  'service_tier',
  'truncation',
  'safety_identifier',
  'top_logprobs',
] as const;

/**
 * A client's Responses request as the Codex backend accepts it, changing only what the backend would refuse:
 * `store: false` and `stream: true` always, a string `input` as one user message, instructions when neither they
 * nor a leading developer message exist, `reasoning.encrypted_content` included (without storage, reasoning can
 * only be replayed encrypted), and the conversation's cache key. Tools, reasoning, text, include and items pass
 * through untouched. Returns the body and the names of the fields it dropped (for the warning header).
 */
export function toCodexResponsesBody(
  request: ResponsesRequest,
  options: { upstreamModel: string; conversationId: string },
): { body: Record<string, unknown>; dropped: string[] } {
  const body: Record<string, unknown> = { ...request };
  const dropped = DROPPED_FIELDS.filter((field) => body[field] != null);
  for (const field of DROPPED_FIELDS) delete body[field];
  body.model = options.upstreamModel;
  body.store = false;
  body.stream = true;
  const input =
    typeof request.input === 'string'
      ? [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: request.input }] }]
      : request.input;
  body.input = input;
  const first = input[0] as { role?: unknown } | undefined;
  if ((request.instructions == null || request.instructions === '') && first?.role !== 'developer') {
    body.instructions = DEFAULT_CODEX_INSTRUCTIONS;
  }
  const include = new Set(request.include ?? []);
  include.add('reasoning.encrypted_content');
  body.include = [...include];
  body.prompt_cache_key = request.prompt_cache_key ?? options.conversationId;
  return { body, dropped };
}
