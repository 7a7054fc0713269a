import type { AiRequest } from '@pag/contracts';
import { useCallback, useMemo, useState } from 'react';
import type { GatewayClient } from '../create-gateway-client.ts';
import type { GatewayClientError } from '../gateway-client-error.ts';
import { type AiStreamStatus, useAiStream } from './use-ai-stream.ts';

/** One turn of a text chat: what the user wrote, or the answer. */
export type ChatTurn = { role: 'user' | 'assistant'; content: string };

export type UseAiChatOptions = {
  /** `provider/model`; omitted, the feature's or the user's default. */
  model?: string;
  /** Instructions for the whole conversation (e.g. the note being asked about). */
  system?: string;
  /** A built-in feature or one of the user's own (its prompt and model apply). */
  feature?: string;
  reasoning?: AiRequest['reasoning'];
};

export type UseAiChat = {
  /** The conversation: the user's messages and the answers, the one being written included. */
  messages: ChatTurn[];
  /** The reasoning summary of the answer being written (or the last one). */
  reasoning: string;
  /** Sends a user message with the whole conversation so far (a running answer is stopped and kept as it is). */
  send(text: string): void;
  status: AiStreamStatus;
  error: GatewayClientError | null;
  /** Stops the answer being written; what was written stays in `messages`. */
  stop(): void;
  /** Asks the last message again (after an error, say), replacing its answer. */
  retry(): void;
  /** Starts a new conversation. */
  reset(): void;
};

/**
 * A chat with history over the gateway's stream: each `send` posts the conversation as `messages`, and the answer
 * streams into the last assistant message.
 */
export function useAiChat(client: GatewayClient, options: UseAiChatOptions = {}): UseAiChat {
  const stream = useAiStream(client);
  /** The conversation up to the user message the current answer replies to. */
  const [turns, setTurns] = useState<ChatTurn[]>([]);
  const { model, system, feature, reasoning } = options;

  const messages = useMemo<ChatTurn[]>(
    () =>
      stream.status === 'idle' || stream.text === '' ? turns : [...turns, { role: 'assistant', content: stream.text }],
    [turns, stream.status, stream.text],
  );

  const { start, stop, retry, reset: resetStream } = stream;
  const send = useCallback(
    (text: string) => {
      if (text.trim() === '') return;
      const conversation: ChatTurn[] = [...messages, { role: 'user', content: text }];
      setTurns(conversation);
      start({
        messages: conversation,
        ...(model == null ? {} : { model }),
        ...(system == null ? {} : { system }),
        ...(feature == null ? {} : { feature }),
        ...(reasoning == null ? {} : { reasoning }),
      });
    },
    [messages, start, model, system, feature, reasoning],
  );

  const reset = useCallback(() => {
    resetStream();
    setTurns([]);
  }, [resetStream]);

  return {
    messages,
    reasoning: stream.reasoning,
    send,
    status: stream.status,
    error: stream.error,
    stop,
    retry,
    reset,
  };
}
