import type { ReasoningOutput } from '@pag/contracts';
import { toOpenAiProviderError, UpstreamConnectionError, UpstreamProtocolError } from '@pag/providers';
import type { ChatCompletionUsage } from './chat-completion-shapes.ts';
import { readRelayedUsage } from './relayed-usage.ts';
import { takeReasoning } from './take-reasoning.ts';
import { type ChatStreamItem, THINK_CLOSE, THINK_OPEN } from './to-chat-completion-chunks.ts';

type Chunk = Record<string, unknown> & { choices?: unknown };
type Choice = Record<string, unknown> & { delta?: unknown; finish_reason?: unknown };

/**
 * A relayed `chat.completion.chunk` stream (the `data` of each upstream event) as the items the route writes — the
 * same vocabulary as `toChatCompletionChunks`, so both paths share one writer. Each chunk is the upstream's own,
 * changed only where the gateway's contract says: the model is the gateway's name, reasoning is shown as the key
 * says, and the usage the gateway always asks for is dropped again when the client did not ask for it. The
 * upstream's `[DONE]` is not repeated (the writer sends its own); anything after it is ignored but still read, so
 * the upstream connection stays reusable.
 */
export async function* relayChatCompletionChunks(
  events: AsyncIterable<string>,
  options: { model: string; includeUsage: boolean; reasoningOutput: ReasoningOutput; url: string },
): AsyncGenerator<ChatStreamItem> {
  let isDone = false;
  let isFinished = false;
  let isThinking = false;
  let usage: ChatCompletionUsage | null = null;
  for await (const data of events) {
    if (isDone) continue;
    if (data === '[DONE]') {
      isDone = true;
      continue;
    }
    let chunk: Chunk;
    try {
      chunk = JSON.parse(data) as Chunk;
    } catch (error) {
      yield { kind: 'error', error: protocolError(`Unparsable upstream chunk: ${data.slice(0, 200)}`, options, error) };
      return;
    }
    if (typeof chunk !== 'object' || chunk == null || Array.isArray(chunk)) {
      yield { kind: 'error', error: protocolError('An upstream chunk is not a JSON object.', options, chunk) };
      return;
    }
    if (chunk.error != null) {
      yield { kind: 'error', error: toOpenAiProviderError(chunk.error, { url: options.url }) };
      return;
    }
    chunk.model = options.model;
    const chunkUsage = readRelayedUsage(chunk.usage);
    if (chunkUsage != null) usage = chunkUsage;
    const choices = Array.isArray(chunk.choices) ? (chunk.choices as Choice[]) : [];
    if (!options.includeUsage) {
      if (choices.length === 0 && chunkUsage != null) continue;
      delete chunk.usage;
    }
    for (const choice of choices) {
      if (choice.finish_reason != null) isFinished = true;
      const delta = choice.delta;
      if (typeof delta !== 'object' || delta == null) continue;
      const reasoning = takeReasoning(delta as Record<string, unknown>);
      if (options.reasoningOutput === 'think-tags') {
        // Reasoning goes into the content between <think> and </think>, closed by whatever output comes next.
        const record = delta as Record<string, unknown>;
        const hasOutput =
          (typeof record.content === 'string' && record.content !== '') ||
          record.tool_calls != null ||
          choice.finish_reason != null;
        if (reasoning !== '') {
          const opened = isThinking ? reasoning : `${THINK_OPEN}${reasoning}`;
          const content = typeof record.content === 'string' ? record.content : '';
          isThinking = !hasOutput;
          record.content = hasOutput ? `${opened}${THINK_CLOSE}${content}` : opened;
        } else if (isThinking && hasOutput) {
          isThinking = false;
          if (record.tool_calls == null) {
            record.content = `${THINK_CLOSE}${typeof record.content === 'string' ? record.content : ''}`;
          } else {
            // A tool-call delta carries no content in OpenAI's stream: the closing tag goes in a chunk before it.
            yield { kind: 'chunk', chunk: closingChunk(chunk, choice) };
          }
        }
      } else if (reasoning !== '' && options.reasoningOutput === 'field') {
        (delta as Record<string, unknown>).reasoning_content = reasoning;
      }
    }
    if (isEmptyChunk(choices, chunk)) continue;
    yield { kind: 'chunk', chunk };
  }
  if (!isFinished) {
    yield {
      kind: 'error',
      error: new UpstreamConnectionError({
        message: 'The upstream ended the answer without finishing it.',
        url: options.url,
        cause: undefined,
      }),
    };
    return;
  }
  if (usage != null) yield { kind: 'usage', usage };
}

/** A chunk left with nothing to say (a reasoning delta with reasoning hidden) is not sent at all. */
function isEmptyChunk(choices: readonly Choice[], chunk: Chunk): boolean {
  if (choices.length !== 1 || chunk.usage != null) return false;
  const [choice] = choices;
  return (
    choice?.finish_reason == null &&
    typeof choice?.delta === 'object' &&
    choice.delta != null &&
    Object.keys(choice.delta).length === 0
  );
}

function closingChunk(chunk: Chunk, choice: Choice): Record<string, unknown> {
  const { usage: _usage, ...envelope } = chunk;
  return {
    ...envelope,
    choices: [{ index: choice.index ?? 0, delta: { content: THINK_CLOSE }, finish_reason: null, logprobs: null }],
  };
}

function protocolError(message: string, options: { url: string }, cause: unknown): UpstreamProtocolError {
  return new UpstreamProtocolError({ message, url: options.url, cause });
}
