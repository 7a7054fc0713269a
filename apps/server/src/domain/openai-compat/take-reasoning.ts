/**
 * The reasoning text of a relayed message or delta. Compatible servers disagree on the field: DeepSeek and
 * OpenAI-style servers send `reasoning_content`, Ollama, vLLM and OpenRouter `reasoning`. Both are removed from
 * the object, so the caller puts the text back the way the key's reasoning display says.
 */
export function takeReasoning(target: Record<string, unknown>): string {
  const text = target.reasoning_content ?? target.reasoning;
  delete target.reasoning_content;
  delete target.reasoning;
  return typeof text === 'string' ? text : '';
}
