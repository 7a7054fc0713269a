import type { AnthropicContentBlock, AnthropicMessageShell, MessageStreamItem } from './to-message-events.ts';

/**
 * A whole Anthropic `message` from the stream events (every upstream path streams), assembled the way the SDKs
 * assemble a streamed one, so both answers always agree (docs/anthropic-protocol.md §4). A failure after output
 * started is rethrown: nothing was sent yet, so the client gets a proper error status rather than half a message.
 */
export async function collectMessage(items: AsyncIterable<MessageStreamItem>): Promise<AnthropicMessageShell> {
  let message: AnthropicMessageShell | undefined;
  // Tool input arrives as JSON text; it is parsed when its block closes.
  const inputs = new Map<number, string>();
  for await (const item of items) {
    if (item.kind === 'error') throw item.error;
    if (item.kind !== 'event') continue;
    const { event } = item;
    switch (event.type) {
      case 'message_start':
        message = { ...event.message, content: [] };
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
          inputs.set(event.index, (inputs.get(event.index) ?? '') + delta.partial_json);
        }
        break;
      }
      case 'content_block_stop': {
        const block = message?.content[event.index];
        if (block?.type === 'tool_use') block.input = parseInput(inputs.get(event.index));
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
        if (message != null) return message;
        break;
      default:
        break;
    }
  }
  throw new Error('The upstream ended the answer without finishing it.');
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
