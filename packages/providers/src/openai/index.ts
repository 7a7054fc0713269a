export { listOpenAiCompatibleModels, type OpenAiCompatibleModel } from './list-openai-compatible-models.ts';
export {
  createOpenAiCompatibleChatModel,
  createOpenAiCompatibleEmbeddingModel,
  type OpenAiCompatibleSettings,
} from './openai-chat-model.ts';
export { openAiHttpFailureToProviderError, toOpenAiProviderError } from './openai-error.ts';
