export { type AnthropicSettings, createAnthropicChatModel } from './anthropic-chat-model.ts';
export { anthropicHttpFailureToProviderError, toAnthropicProviderError } from './anthropic-error.ts';
export { forwardAnthropicMessages } from './forward-anthropic-messages.ts';
export { ANTHROPIC_VERSION, type AnthropicModel, listAnthropicModels } from './list-anthropic-models.ts';
