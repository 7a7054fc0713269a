/** A chat message as a client sent it; only `role` and a replayed `reasoning_content` matter here. */
type ChatMessage = { readonly role: string; readonly reasoning_content?: unknown };

/**
 * A chat-completions request the gateway has already checked (its `/v1` schema): the messages, the fields below,
 * and `stream`. Everything else in it is not forwarded.
 */
export type OpenAiCompatibleChatRequest<M extends ChatMessage = ChatMessage> = {
  readonly messages: readonly M[];
  readonly stream?: boolean | null | undefined;
} & { readonly [field in (typeof OPENAI_COMPATIBLE_CHAT_FIELDS)[number]]?: unknown };

/**
 * The request fields an OpenAI-compatible upstream gets when the gateway relays a chat completion. Only fields the
 * request schema knows and checks are forwarded: the others are "accepted and ignored" on every path, so a client
 * sees the same behaviour whether its request was relayed or translated. `model` and `stream_options` are the
 * gateway's own.
 */
export const OPENAI_COMPATIBLE_CHAT_FIELDS = [
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
  'response_format',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'stop',
  'user',
  // `n` and `modalities` are checked to be their defaults (1, text), so they are left out: servers that do not
  // know them (older llama.cpp, some proxies) would refuse the request for nothing.
] as const;

/**
 * A checked `/v1/chat/completions` request as the body for the user's OpenAI-compatible key — the one home of
 * that body, beside the relay that sends it (`forwardOpenAiCompatibleChat`): the upstream model
 * id, the checked fields (nulls left out: null means the default), and messages as every compatible server takes
 * them — `developer` as `system` (Ollama, vLLM and LM Studio know only the older role) and no `reasoning_content`
 * on assistant turns (DeepSeek refuses it in input; the translating path never replays it either). A stream always
 * asks for usage, so the access log has token counts; the relay drops the usage chunk again if the client did not
 * ask for it.
 */
export function toOpenAiCompatibleChatBody<M extends ChatMessage>(
  request: OpenAiCompatibleChatRequest<M>,
  upstreamModel: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: upstreamModel, messages: request.messages.map(toUpstreamMessage) };
  for (const field of OPENAI_COMPATIBLE_CHAT_FIELDS) {
    const value = request[field];
    if (value != null) body[field] = value;
  }
  if (request.stream === true) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

function toUpstreamMessage(message: ChatMessage): ChatMessage {
  if (message.role === 'developer') return { ...message, role: 'system' };
  if (message.role === 'assistant' && message.reasoning_content !== undefined) {
    const { reasoning_content: _replayed, ...rest } = message;
    return rest;
  }
  return message;
}
