/**
 * Model ids an OpenAI-compatible `/models` list returns that cannot answer a chat: embeddings, speech, images,
 * moderation, realtime and legacy completion models. The list carries no capability field (OpenAI, OpenRouter,
 * Ollama and LM Studio all return bare ids), so the id is all there is to go on; explicit `openai/<id>` requests
 * still reach any of them.
 */
const NON_CHAT_MODEL_PATTERN =
  /(embed|whisper|tts|dall-e|davinci|babbage|moderation|gpt-image|realtime|transcribe|sora|rerank)/i;

/** Whether a model of an OpenAI-compatible catalogue belongs in the chat model list (and may be picked by default). */
export function isChatModelId(modelId: string): boolean {
  return !NON_CHAT_MODEL_PATTERN.test(modelId);
}
