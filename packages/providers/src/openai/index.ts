export {
  type ForwardedChat,
  forwardOpenAiCompatibleChat,
  readForwardedJson,
} from './forward-openai-compatible-chat.ts';
export { listOpenAiCompatibleModels, type OpenAiCompatibleModel } from './list-openai-compatible-models.ts';
export {
  createOpenAiCompatibleChatModel,
  createOpenAiCompatibleEmbeddingModel,
  type OpenAiCompatibleSettings,
} from './openai-chat-model.ts';
export { openAiHttpFailureToProviderError, toOpenAiProviderError } from './openai-error.ts';
export {
  OPENAI_COMPATIBLE_CHAT_FIELDS,
  type OpenAiCompatibleChatRequest,
  toOpenAiCompatibleChatBody,
} from './to-openai-compatible-chat-body.ts';
