import type { LanguageModelV3StreamPart } from '@pag/providers';
import { describeUpstreamError } from '../describe-upstream-error.ts';
import { randomId } from '../random-id.ts';
import type { ResponsesEvent } from './to-responses-events.ts';

type OutputItem = Record<string, unknown> & { id: string; type: string };

const newId = (prefix: string) => `${prefix}_${randomId(12, 'hex')}`;

/** The Responses events of one answer, part by part: see `createResponsesTranslator`. */
export type ResponsesTranslator = {
  /** `response.created` and `response.in_progress`. */
  begin(): Generator<ResponsesEvent>;
  /** The events of one part (none for most lifecycle parts). */
  translate(part: LanguageModelV3StreamPart): Generator<ResponsesEvent>;
  /** `response.failed`: the parts ended without a finish. */
  end(): Generator<ResponsesEvent>;
  /** After the part that ended the answer (an error or the finish): nothing more comes. */
  readonly isDone: boolean;
};

/**
 * Provider stream parts as Responses API events, for providers that do not speak that protocol: the same event
 * sequence as the Codex backend's (docs/codex-protocol.md §6.2) — created, in_progress, one output item per reasoning
 * summary, message and function call (added → deltas → done), then completed, incomplete or failed — so a Responses
 * client cannot tell the difference. Text, reasoning and arguments stream as they arrive.
 *
 * Synchronous, part by part, so that both answers drive the one translation without an async stage per event: the
 * stream (`toResponsesEvents`) and the whole response (`finalResponsesEvent`, issue 22 profile).
 */
export function createResponsesTranslator(options: {
  model: string;
  request: Record<string, unknown>;
  /** Rethrow an upstream failure instead of emitting `response.failed` (non-streamed answers get an HTTP error). */
  shouldThrowErrors?: boolean;
}): ResponsesTranslator {
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>): ResponsesEvent => ({
    type,
    sequence_number: sequence++,
    ...fields,
  });
  const output: OutputItem[] = [];
  const base = {
    id: newId('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    model: options.model,
    instructions: options.request.instructions ?? null,
    tools: options.request.tools ?? [],
    tool_choice: options.request.tool_choice ?? 'auto',
    parallel_tool_calls: options.request.parallel_tool_calls ?? true,
    store: false,
    error: null,
    incomplete_details: null,
    metadata: {},
  };
  const snapshot = (status: string, extra: Record<string, unknown> = {}) => ({
    ...base,
    status,
    output: output.filter((item) => item.status !== 'in_progress' || status === 'in_progress'),
    ...extra,
  });

  // The open items: at most one reasoning item and one message at a time; calls by their id.
  let reasoning: { item: OutputItem; index: number; text: string } | undefined;
  let message: { item: OutputItem; index: number; text: string } | undefined;
  const calls = new Map<string, { item: OutputItem; index: number; args: string }>();

  const open = (item: OutputItem) => {
    output.push(item);
    return output.length - 1;
  };
  function* closeReasoning() {
    if (reasoning == null) return;
    const { item, index, text } = reasoning;
    const at = { item_id: item.id, output_index: index, summary_index: 0 };
    yield event('response.reasoning_summary_text.done', { ...at, text });
    yield event('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text } });
    Object.assign(item, { summary: [{ type: 'summary_text', text }], status: 'completed' });
    yield event('response.output_item.done', { output_index: index, item });
    reasoning = undefined;
  }
  function* closeMessage() {
    if (message == null) return;
    const { item, index, text } = message;
    const at = { item_id: item.id, output_index: index, content_index: 0 };
    const part = { type: 'output_text', text, annotations: [] };
    yield event('response.output_text.done', { ...at, text });
    yield event('response.content_part.done', { ...at, part });
    Object.assign(item, { content: [part], status: 'completed' });
    yield event('response.output_item.done', { output_index: index, item });
    message = undefined;
  }

  let isDone = false;

  return {
    *begin() {
      yield event('response.created', { response: snapshot('in_progress', { output: [] }) });
      yield event('response.in_progress', { response: snapshot('in_progress', { output: [] }) });
    },
    *translate(part) {
      switch (part.type) {
        case 'reasoning-delta': {
          if (part.delta === '') break;
          if (reasoning == null) {
            yield* closeMessage();
            const item: OutputItem = { id: newId('rs'), type: 'reasoning', summary: [], status: 'in_progress' };
            reasoning = { item, index: open(item), text: '' };
            yield event('response.output_item.added', { output_index: reasoning.index, item: { ...item } });
            yield event('response.reasoning_summary_part.added', {
              item_id: item.id,
              output_index: reasoning.index,
              summary_index: 0,
              part: { type: 'summary_text', text: '' },
            });
          }
          reasoning.text += part.delta;
          yield event('response.reasoning_summary_text.delta', {
            item_id: reasoning.item.id,
            output_index: reasoning.index,
            summary_index: 0,
            delta: part.delta,
          });
          break;
        }
        case 'text-delta': {
          if (part.delta === '') break;
          yield* closeReasoning();
          if (message == null) {
            const item: OutputItem = {
              id: newId('msg'),
              type: 'message',
              role: 'assistant',
              status: 'in_progress',
              content: [],
            };
            message = { item, index: open(item), text: '' };
            yield event('response.output_item.added', { output_index: message.index, item: { ...item } });
            yield event('response.content_part.added', {
              item_id: item.id,
              output_index: message.index,
              content_index: 0,
              part: { type: 'output_text', text: '', annotations: [] },
            });
          }
          message.text += part.delta;
          yield event('response.output_text.delta', {
            item_id: message.item.id,
            output_index: message.index,
            content_index: 0,
            delta: part.delta,
          });
          break;
        }
        case 'tool-input-start': {
          yield* closeReasoning();
          yield* closeMessage();
          const item: OutputItem = {
            id: newId('fc'),
            type: 'function_call',
            call_id: part.id,
            name: part.toolName,
            arguments: '',
            status: 'in_progress',
          };
          const index = open(item);
          calls.set(part.id, { item, index, args: '' });
          yield event('response.output_item.added', { output_index: index, item: { ...item } });
          break;
        }
        case 'tool-input-delta': {
          const call = calls.get(part.id);
          if (call == null || part.delta === '') break;
          call.args += part.delta;
          yield event('response.function_call_arguments.delta', {
            item_id: call.item.id,
            output_index: call.index,
            delta: part.delta,
          });
          break;
        }
        case 'tool-call': {
          yield* closeReasoning();
          yield* closeMessage();
          let call = calls.get(part.toolCallId);
          if (call == null) {
            const item: OutputItem = {
              id: newId('fc'),
              type: 'function_call',
              call_id: part.toolCallId,
              name: part.toolName,
              arguments: '',
              status: 'in_progress',
            };
            call = { item, index: open(item), args: '' };
            calls.set(part.toolCallId, call);
            yield event('response.output_item.added', { output_index: call.index, item: { ...item } });
          }
          Object.assign(call.item, { arguments: part.input, status: 'completed' });
          yield event('response.function_call_arguments.done', {
            item_id: call.item.id,
            output_index: call.index,
            arguments: part.input,
          });
          yield event('response.output_item.done', { output_index: call.index, item: call.item });
          break;
        }
        case 'error': {
          if (options.shouldThrowErrors === true) throw part.error;
          const described = describeUpstreamError(part.error);
          yield event('response.failed', {
            response: snapshot('failed', {
              error: {
                code: described?.code ?? 'upstream_error',
                message: described?.message ?? 'The upstream failed.',
              },
            }),
          });
          isDone = true;
          return;
        }
        case 'finish': {
          yield* closeReasoning();
          yield* closeMessage();
          const usage = {
            input_tokens: part.usage.inputTokens.total ?? 0,
            input_tokens_details: { cached_tokens: part.usage.inputTokens.cacheRead ?? 0 },
            output_tokens: part.usage.outputTokens.total ?? 0,
            output_tokens_details: { reasoning_tokens: part.usage.outputTokens.reasoning ?? 0 },
            total_tokens: (part.usage.inputTokens.total ?? 0) + (part.usage.outputTokens.total ?? 0),
          };
          if (part.finishReason.unified === 'length' || part.finishReason.unified === 'content-filter') {
            const reason = part.finishReason.unified === 'length' ? 'max_output_tokens' : 'content_filter';
            yield event('response.incomplete', {
              response: snapshot('incomplete', { usage, incomplete_details: { reason } }),
            });
          } else {
            yield event('response.completed', { response: snapshot('completed', { usage }) });
          }
          isDone = true;
          return;
        }
        default:
          break;
      }
    },
    *end() {
      yield event('response.failed', {
        response: snapshot('failed', {
          error: { code: 'upstream_error', message: 'The upstream ended the answer without finishing it.' },
        }),
      });
    },
    get isDone() {
      return isDone;
    },
  };
}
