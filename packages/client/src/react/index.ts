export { type ChatTurn, type UseAiChat, type UseAiChatOptions, useAiChat } from './use-ai-chat.ts';
export {
  type AiStreamResult,
  type AiStreamState,
  type AiStreamStatus,
  type UseAiStream,
  useAiStream,
} from './use-ai-stream.ts';
