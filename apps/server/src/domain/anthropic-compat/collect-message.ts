import type { LanguageModelV3StreamPart } from '@pag/providers';
import { MessageStreamTranslator } from './message-stream-translator.ts';
import type { AnthropicContentBlock, AnthropicMessageShell, MessageStreamItem } from './to-message-events.ts';

/**
 * A whole Anthropic `message` from the answer's parts, through the stream's own translation
 * (`MessageStreamTranslator`) and assembled from its events the way the SDKs assemble a streamed one, so both answers
 * always agree (docs/anthropic-protocol.md §4). The events are folded as each part is translated, with no async
 * stage per event in between (issue 22 profile). A failure after output started is rethrown: nothing was sent yet,
 * so the client gets a proper error status rather than half a message.
 */
export async function collectMessage(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: { id: string; model: string; isThinking: boolean },
): Promise<AnthropicMessageShell> {
  const translator = new MessageStreamTranslator(options);
  const assembler = new MessageAssembler();
  for (const item of translator.begin()) assembler.add(item);
  for await (const part of parts) {
    for (const item of translator.translate(part)) {
      const message = assembler.add(item);
      if (message != null) return message;
    }
    if (translator.isDone) break;
  }
  for (const item of translator.end()) assembler.add(item);
  throw new Error('The upstream ended the answer without finishing it.');
}

/** Folds stream items into the message; `add` returns it whole at `message_stop`, and throws an `error` item. */
class MessageAssembler {
  #message: AnthropicMessageShell | undefined;
  // Tool input arrives as JSON text; it is parsed when its block closes.
  readonly #inputs = new Map<number, string>();

  add(item: MessageStreamItem): AnthropicMessageShell | undefined {
    if (item.kind === 'error') throw item.error;
    if (item.kind !== 'event') return undefined;
    const { event } = item;
    const message = this.#message;
    switch (event.type) {
      case 'message_start':
        this.#message = { ...event.message, content: [] };
        break;
      case 'content_block_start':
        message?.content.push({ ...event.content_block } as AnthropicContentBlock);
        break;
      case 'content_block_delta': {
        const block = message?.content[event.index];
        const { delta } = event;
        if (block?.type === 'text' && delta.type === 'text_delta') block.text += delta.text;
        else if (block?.type === 'thinking' && delta.type === 'thinking_delta') block.thinking += delta.thinking;
        else if (block?.type === 'thinking' && delta.type === 'signature_delta') block.signature = delta.signature;
        else if (block?.type === 'tool_use' && delta.type === 'input_json_delta') {
          this.#inputs.set(event.index, (this.#inputs.get(event.index) ?? '') + delta.partial_json);
        }
        break;
      }
      case 'content_block_stop': {
        const block = message?.content[event.index];
        if (block?.type === 'tool_use') block.input = parseInput(this.#inputs.get(event.index));
        break;
      }
      case 'message_delta':
        if (message != null) {
          message.stop_reason = event.delta.stop_reason;
          message.stop_sequence = event.delta.stop_sequence;
          message.usage = event.usage;
        }
        break;
      case 'message_stop':
        return message;
      default:
        break;
    }
    return undefined;
  }
}

/** A tool's input as an object; a model's broken JSON is kept as text under `_raw` rather than lost. */
function parseInput(text: string | undefined): unknown {
  if (text == null || text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return { _raw: text };
  }
}
