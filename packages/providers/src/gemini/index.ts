export { createGeminiFetch, type GeminiAuth } from './gemini-auth.ts';
export { createGeminiChatModel, createGeminiEmbeddingModel, type GeminiSettings } from './gemini-chat-model.ts';
export { geminiHttpFailureToProviderError, toGeminiProviderError } from './gemini-error.ts';
export { type GeminiModel, listGeminiModels } from './list-gemini-models.ts';
