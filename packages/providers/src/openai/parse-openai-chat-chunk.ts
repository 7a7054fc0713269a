/** One tool call's piece in a chunk's delta: `index` says which call; `id` and the name come with its first piece. */
export type OpenAiToolCallDelta = {
  index: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
};

/** The fields of a Chat Completions stream chunk the gateway reads (docs/openai-compatible-protocol.md §2). */
export type OpenAiChatChunk = {
  id?: string | null;
  model?: string | null;
  created?: number | null;
  choices?: Array<{
    delta?: {
      /** Text, or parts: `text` ones, and Mistral's `thinking` ones (`{ thinking: [{ type: 'text', text }] }`). */
      content?: string | Array<{ type: string; text?: unknown; thinking?: unknown }> | null;
      /** DeepSeek, vLLM and llama.cpp name it `reasoning_content`; OpenRouter and Ollama `reasoning`. */
      reasoning_content?: string | null;
      reasoning?: string | null;
      /** Some servers send a non-text value (`false`) when there is none: only text counts. */
      refusal?: unknown;
      tool_calls?: OpenAiToolCallDelta[] | null;
    } | null;
    finish_reason?: string | null;
  }> | null;
  usage?: {
    prompt_tokens?: number | null;
    completion_tokens?: number | null;
    prompt_tokens_details?: { cached_tokens?: number | null } | null;
    completion_tokens_details?: {
      reasoning_tokens?: number | null;
      accepted_prediction_tokens?: number | null;
      rejected_prediction_tokens?: number | null;
    } | null;
  } | null;
};

export type ParsedOpenAiChatChunk =
  | { kind: 'chunk'; chunk: OpenAiChatChunk }
  /** An error event inside the 200 (`{"error":{…}}`), as OpenAI and most compatible servers send one. */
  | { kind: 'error'; error: unknown }
  /** A chunk whose shape breaks the protocol: what is wrong, for the protocol error. */
  | { kind: 'invalid'; problem: string };

/**
 * Checks a parsed chunk's shape by hand, field by field, without copying it. A zod schema did the same at about
 * ten times the cost, on every one of a stream's chunks (issue 22 profile). Loose like the servers it reads: fields
 * it does not use are not looked at, null stands for absent, a server's extra fields are kept.
 */
export function parseOpenAiChatChunk(value: unknown): ParsedOpenAiChatChunk {
  if (!isObject(value)) return { kind: 'invalid', problem: 'the chunk is not an object' };
  if (value.error != null) return { kind: 'error', error: value.error };
  if (!isOptional(value.id, 'string') || !isOptional(value.model, 'string') || !isOptional(value.created, 'number')) {
    return { kind: 'invalid', problem: '`id`, `model` or `created` has the wrong type' };
  }
  const { choices, usage } = value;
  if (choices != null) {
    if (!Array.isArray(choices)) return { kind: 'invalid', problem: '`choices` is not an array' };
    for (const choice of choices) {
      const problem = checkChoice(choice);
      if (problem != null) return { kind: 'invalid', problem };
    }
  }
  if (usage != null) {
    if (!isObject(usage)) return { kind: 'invalid', problem: '`usage` is not an object' };
    if (!isOptional(usage.prompt_tokens, 'number') || !isOptional(usage.completion_tokens, 'number')) {
      return { kind: 'invalid', problem: '`usage` counts are not numbers' };
    }
  }
  return { kind: 'chunk', chunk: value as OpenAiChatChunk };
}

function checkChoice(choice: unknown): string | undefined {
  if (!isObject(choice)) return 'a choice is not an object';
  if (!isOptional(choice.finish_reason, 'string')) return '`finish_reason` is not a string';
  const { delta } = choice;
  if (delta == null) return undefined;
  if (!isObject(delta)) return '`delta` is not an object';
  const { content } = delta;
  if (content != null && typeof content !== 'string') {
    if (!Array.isArray(content) || !content.every((part) => isObject(part) && typeof part.type === 'string')) {
      return '`delta.content` is neither text nor a list of typed parts';
    }
  }
  if (!isOptional(delta.reasoning_content, 'string') || !isOptional(delta.reasoning, 'string')) {
    return '`delta.reasoning_content` or `delta.reasoning` is not text';
  }
  const toolCalls = delta.tool_calls;
  if (toolCalls == null) return undefined;
  if (!Array.isArray(toolCalls)) return '`delta.tool_calls` is not an array';
  for (const call of toolCalls) {
    if (!isObject(call) || typeof call.index !== 'number' || !isOptional(call.id, 'string')) {
      return 'a tool call delta lacks its `index` or has a non-text `id`';
    }
    const fn = call.function;
    if (fn != null && (!isObject(fn) || !isOptional(fn.name, 'string') || !isOptional(fn.arguments, 'string'))) {
      return 'a tool call delta has a `function` whose `name` or `arguments` is not text';
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOptional(value: unknown, type: 'string' | 'number'): boolean {
  return value == null || typeof value === type;
}
