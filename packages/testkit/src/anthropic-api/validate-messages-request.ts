import { isPlainObject } from '../describe-json-type.ts';
import { anthropicError } from './anthropic-api-error.ts';
import type { FakeAnthropicModel } from './fake-anthropic-model.ts';

// The checks of `POST /v1/messages` the real API makes before it answers, in its wording: fields by their path
// (`messages.1.content.0.type: …`), one problem at a time (docs/anthropic-protocol.md, "Requests the API refuses").

/** Top-level fields the Messages API takes; any other is refused ("Extra inputs are not permitted"). */
const KNOWN_FIELDS = new Set([
  'model',
  'messages',
  'max_tokens',
  'system',
  'metadata',
  'stop_sequences',
  'stream',
  'temperature',
  'top_k',
  'top_p',
  'tools',
  'tool_choice',
  'thinking',
  'service_tier',
  'container',
  'mcp_servers',
  'context_management',
  'output_config',
  'output_format',
]);
/** `count_tokens` takes what shapes the prompt only: no `max_tokens`, sampling, stop sequences or `stream`. */
const COUNT_TOKENS_FIELDS = new Set([
  'model',
  'messages',
  'system',
  'tools',
  'tool_choice',
  'thinking',
  'mcp_servers',
  'context_management',
  'output_config',
  'output_format',
]);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const MIN_THINKING_BUDGET = 1024;

export type MessagesRequest = {
  body: Record<string, unknown>;
  model: FakeAnthropicModel;
  isStream: boolean;
  maxTokens: number;
  isThinking: boolean;
  stopSequences: string[];
  /** All text of system and messages, for the fake's token estimate. */
  promptText: string;
};

/** A thinking block's signature is checked against the ones the fake issued (a signature the fake never gave out is refused). */
export type SignatureCheck = (signature: string) => boolean;

export function validateMessagesRequest(options: {
  body: unknown;
  models: readonly FakeAnthropicModel[];
  isSignatureIssued: SignatureCheck;
  /** `POST /v1/messages/count_tokens`: the same checks of the prompt, without an output budget. */
  isCountTokens?: boolean;
}): MessagesRequest {
  const { body } = options;
  if (!isPlainObject(body)) reject('messages: Input should be a valid dictionary');
  const known = options.isCountTokens === true ? COUNT_TOKENS_FIELDS : KNOWN_FIELDS;
  const extra = Object.keys(body).find((name) => !known.has(name));
  if (extra != null) reject(`${extra}: Extra inputs are not permitted`);
  if (body.model == null) reject('model: Field required');
  if (typeof body.model !== 'string') reject('model: Input should be a valid string');
  // count_tokens has no output budget: the thinking budget is checked against the model's limit instead.
  const maxTokens = options.isCountTokens === true ? Number.MAX_SAFE_INTEGER : readMaxTokens(body.max_tokens);
  if (body.messages == null) reject('messages: Field required');
  if (!Array.isArray(body.messages)) reject('messages: Input should be a valid list');
  if (body.messages.length === 0) reject('messages: at least one message is required');
  if (body.stream != null && typeof body.stream !== 'boolean') reject('stream: Input should be a valid boolean');
  const stopSequences = readStopSequences(body.stop_sequences);
  checkNumber('temperature', body.temperature, 0, 1);
  checkNumber('top_p', body.top_p, 0, 1);
  if (body.top_k != null && !(Number.isInteger(body.top_k) && (body.top_k as number) >= 0)) {
    reject('top_k: Input should be a valid integer');
  }
  if (body.metadata != null) {
    if (!isPlainObject(body.metadata)) reject('metadata: Input should be a valid dictionary');
    const extraMetadata = Object.keys(body.metadata).find((name) => name !== 'user_id');
    if (extraMetadata != null) reject(`metadata.${extraMetadata}: Extra inputs are not permitted`);
  }
  const systemText = readSystem(body.system);
  const toolNames = readTools(body.tools);
  const toolChoice = readToolChoice(body.tool_choice, toolNames);
  const isThinking = readThinking(body, maxTokens, toolChoice);

  const model = options.models.find((candidate) => candidate.id === body.model);
  if (model == null) reject(`model: ${body.model}`, 'not_found_error');
  if (options.isCountTokens !== true && maxTokens > model.maxOutputTokens) {
    reject(
      `max_tokens: ${maxTokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.id}`,
    );
  }
  if (isThinking && !model.supportsThinking) reject(`thinking: ${model.id} does not support extended thinking`);

  const promptText = [systemText, ...readMessages(body.messages, isThinking, options.isSignatureIssued)].join('\n');
  return { body, model, isStream: body.stream === true, maxTokens, isThinking, stopSequences, promptText };
}

function readMaxTokens(value: unknown): number {
  if (value == null) reject('max_tokens: Field required');
  if (!Number.isInteger(value)) reject('max_tokens: Input should be a valid integer');
  if ((value as number) < 1) reject('max_tokens: Input should be greater than or equal to 1');
  return value as number;
}

function reject(message: string, type: 'invalid_request_error' | 'not_found_error' = 'invalid_request_error'): never {
  throw anthropicError({ message, type });
}

function checkNumber(field: string, value: unknown, minimum: number, maximum: number): void {
  if (value == null) return;
  if (typeof value !== 'number') reject(`${field}: Input should be a valid number`);
  if (value < minimum) reject(`${field}: Input should be greater than or equal to ${minimum}`);
  if (value > maximum) reject(`${field}: Input should be less than or equal to ${maximum}`);
}

function readStopSequences(value: unknown): string[] {
  if (value == null) return [];
  if (!Array.isArray(value)) reject('stop_sequences: Input should be a valid list');
  for (const [index, sequence] of value.entries()) {
    if (typeof sequence !== 'string') reject(`stop_sequences.${index}: Input should be a valid string`);
    if (sequence.trim() === '') reject('stop_sequences: each stop sequence must contain non-whitespace');
  }
  return value as string[];
}

function readSystem(value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) reject('system: Input should be a valid string or a valid list');
  return value
    .map((block, index) => {
      if (!isPlainObject(block) || block.type !== 'text') reject(`system.${index}.type: Input should be 'text'`);
      if (typeof block.text !== 'string') reject(`system.${index}.text: Field required`);
      if (block.text === '') reject('system: text content blocks must be non-empty');
      return block.text;
    })
    .join('\n');
}

function readTools(value: unknown): Set<string> {
  const names = new Set<string>();
  if (value == null) return names;
  if (!Array.isArray(value)) reject('tools: Input should be a valid list');
  for (const [index, tool] of value.entries()) {
    if (!isPlainObject(tool)) reject(`tools.${index}: Input should be a valid dictionary`);
    // Server tools (web search, text editor…) carry a versioned `type`; custom tools have none or `custom`.
    if (tool.type != null && tool.type !== 'custom') {
      names.add(String(tool.name));
      continue;
    }
    if (typeof tool.name !== 'string') reject(`tools.${index}.custom.name: Field required`);
    if (!TOOL_NAME.test(tool.name)) {
      reject(`tools.${index}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
    }
    if (names.has(tool.name)) reject('tools: Tool names must be unique.');
    if (tool.input_schema == null) reject(`tools.${index}.custom.input_schema: Field required`);
    if (!isPlainObject(tool.input_schema) || tool.input_schema.type !== 'object') {
      reject(`tools.${index}.custom.input_schema.type: Input should be 'object'`);
    }
    if (tool.description != null && typeof tool.description !== 'string') {
      reject(`tools.${index}.custom.description: Input should be a valid string`);
    }
    names.add(tool.name);
  }
  return names;
}

function readToolChoice(value: unknown, toolNames: ReadonlySet<string>): string | undefined {
  if (value == null) return undefined;
  if (!isPlainObject(value)) reject('tool_choice: Input should be a valid dictionary');
  const { type } = value;
  if (type !== 'auto' && type !== 'any' && type !== 'tool' && type !== 'none') {
    reject("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
  }
  if (type === 'tool') {
    if (typeof value.name !== 'string') reject('tool_choice.tool.name: Field required');
    if (!toolNames.has(value.name)) reject(`tool_choice: Tool '${value.name}' not found in tools`);
  }
  if (type !== 'none' && type !== 'auto' && toolNames.size === 0) {
    reject('tool_choice: tool_choice may only be specified while providing tools.');
  }
  return type;
}

function readThinking(body: Record<string, unknown>, maxTokens: number, toolChoice: string | undefined): boolean {
  const { thinking } = body;
  if (thinking == null) return false;
  if (!isPlainObject(thinking)) reject('thinking: Input should be a valid dictionary');
  if (thinking.type === 'disabled') return false;
  if (thinking.type === 'adaptive') return true;
  if (thinking.type !== 'enabled') reject("thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'");
  if (!Number.isInteger(thinking.budget_tokens)) reject('thinking.enabled.budget_tokens: Field required');
  const budget = thinking.budget_tokens as number;
  if (budget < MIN_THINKING_BUDGET) {
    reject(`thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_THINKING_BUDGET}`);
  }
  if (budget >= maxTokens) reject('`max_tokens` must be greater than `thinking.budget_tokens`.');
  if (body.temperature != null && body.temperature !== 1) {
    reject('`temperature` may only be set to 1 when thinking is enabled.');
  }
  if (body.top_k != null) reject('`top_k` must be unset when thinking is enabled.');
  if (toolChoice === 'any' || toolChoice === 'tool')
    reject('Thinking may not be enabled when tool_choice forces tool use.');
  return true;
}

/** The messages' text; refuses bad roles and blocks, tool results without their call, and unsigned thinking. */
function readMessages(messages: unknown[], isThinking: boolean, isSignatureIssued: SignatureCheck): string[] {
  const texts: string[] = [];
  // Consecutive turns of one role are one turn (the API merges them), so tool pairing is checked on merged turns.
  const turns: { role: string; blocks: Record<string, unknown>[]; firstIndex: number }[] = [];
  for (const [index, message] of messages.entries()) {
    const path = `messages.${index}`;
    if (!isPlainObject(message)) reject(`${path}: Input should be a valid dictionary`);
    if (message.role !== 'user' && message.role !== 'assistant') {
      reject(`${path}.role: Input should be 'user' or 'assistant'`);
    }
    const extra = Object.keys(message).find((name) => name !== 'role' && name !== 'content');
    if (extra != null) reject(`${path}.${extra}: Extra inputs are not permitted`);
    const blocks = readContent(path, message.role, message.content, isSignatureIssued, texts);
    const last = turns.at(-1);
    if (last?.role === message.role) last.blocks.push(...blocks);
    else turns.push({ role: message.role, blocks, firstIndex: index });
  }
  for (const [turnIndex, turn] of turns.entries()) {
    const path = `messages.${turn.firstIndex}`;
    const previous = turns[turnIndex - 1];
    const next = turns[turnIndex + 1];
    if (turn.role === 'user') {
      const called = new Set(
        (previous?.blocks ?? []).filter((block) => block.type === 'tool_use').map((block) => String(block.id)),
      );
      const results = turn.blocks.filter((block) => block.type === 'tool_result');
      const stray = results.find((block) => !called.has(String(block.tool_use_id)));
      if (stray != null) {
        reject(
          `${path}.content.${turn.blocks.indexOf(stray)}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(stray.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
        );
      }
      continue;
    }
    const uses = turn.blocks.filter((block) => block.type === 'tool_use').map((block) => String(block.id));
    if (uses.length > 0 && next != null) {
      const answered = new Set(
        next.blocks.filter((block) => block.type === 'tool_result').map((block) => String(block.tool_use_id)),
      );
      const unanswered = uses.filter((id) => !answered.has(id));
      if (unanswered.length > 0) {
        reject(
          `${path}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
    // With thinking on, the assistant turn of the tool loop in progress must start with its (signed) thinking.
    const isCurrentToolLoop = next != null && next === turns.at(-1) && uses.length > 0;
    const first = turn.blocks[0];
    if (isThinking && isCurrentToolLoop && first?.type !== 'thinking' && first?.type !== 'redacted_thinking') {
      reject(
        `${path}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first?.type)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks).`,
      );
    }
  }
  return texts;
}

function readContent(
  path: string,
  role: string,
  content: unknown,
  isSignatureIssued: SignatureCheck,
  texts: string[],
): Record<string, unknown>[] {
  if (content == null) reject(`${path}.content: Field required`);
  if (typeof content === 'string') {
    if (content === '') reject(`${path}: user messages must have non-empty content`);
    texts.push(content);
    return [{ type: 'text', text: content }];
  }
  if (!Array.isArray(content)) reject(`${path}.content: Input should be a valid string or a valid list`);
  if (content.length === 0 && role === 'user') reject(`${path}: user messages must have non-empty content`);
  return content.map((block, index) => {
    const at = `${path}.content.${index}`;
    if (!isPlainObject(block)) reject(`${at}: Input should be a valid dictionary`);
    switch (block.type) {
      case 'text':
        if (typeof block.text !== 'string') reject(`${at}.text.text: Field required`);
        if (block.text === '') reject(`${path}: text content blocks must be non-empty`);
        texts.push(block.text);
        break;
      case 'image':
        checkImage(at, block.source);
        break;
      case 'document':
        if (!isPlainObject(block.source)) reject(`${at}.document.source: Field required`);
        break;
      case 'tool_use':
        if (role !== 'assistant') reject(`${at}: tool_use blocks may only be in assistant messages`);
        if (typeof block.id !== 'string') reject(`${at}.tool_use.id: Field required`);
        if (typeof block.name !== 'string') reject(`${at}.tool_use.name: Field required`);
        if (!isPlainObject(block.input)) reject(`${at}.tool_use.input: Input should be a valid dictionary`);
        texts.push(JSON.stringify(block.input));
        break;
      case 'tool_result':
        if (role !== 'user') reject(`${at}: tool_result blocks may only be in user messages`);
        if (typeof block.tool_use_id !== 'string') reject(`${at}.tool_result.tool_use_id: Field required`);
        if (block.is_error != null && typeof block.is_error !== 'boolean') {
          reject(`${at}.tool_result.is_error: Input should be a valid boolean`);
        }
        if (typeof block.content === 'string') texts.push(block.content);
        else if (block.content != null && !Array.isArray(block.content)) {
          reject(`${at}.tool_result.content: Input should be a valid string or a valid list`);
        }
        break;
      case 'thinking':
        if (role !== 'assistant') reject(`${at}: thinking blocks may only be in assistant messages`);
        if (typeof block.thinking !== 'string') reject(`${at}.thinking.thinking: Field required`);
        if (typeof block.signature !== 'string') reject(`${at}.thinking.signature: Field required`);
        if (!isSignatureIssued(block.signature)) reject(`${at}: Invalid \`signature\` in \`thinking\` block`);
        break;
      case 'redacted_thinking':
        if (role !== 'assistant') reject(`${at}: redacted_thinking blocks may only be in assistant messages`);
        if (typeof block.data !== 'string') reject(`${at}.redacted_thinking.data: Field required`);
        break;
      default:
        reject(
          `${at}.type: Input tag '${String(block.type)}' found using 'type' does not match any of the expected tags`,
        );
    }
    return block;
  });
}

function checkImage(at: string, source: unknown): void {
  if (!isPlainObject(source)) reject(`${at}.image.source: Field required`);
  if (source.type === 'url') {
    if (typeof source.url !== 'string' || !/^https?:\/\//.test(source.url))
      reject(`${at}.image.source.url: invalid URL`);
    return;
  }
  if (source.type !== 'base64') reject(`${at}.image.source.type: Input should be 'base64', 'url' or 'file'`);
  if (!IMAGE_MEDIA_TYPES.includes(String(source.media_type))) {
    reject(
      `${at}.image.source.base64.media_type: Input should be ${IMAGE_MEDIA_TYPES.map((type) => `'${type}'`).join(', ')}`,
    );
  }
  if (typeof source.data !== 'string' || source.data === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(source.data)) {
    reject(`${at}.image.source.base64.data: The image data is not valid base64`);
  }
}
