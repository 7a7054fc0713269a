import type { GatewayClient } from '@pag/client';
import { useAiChat } from '@pag/client/react';
import { type FormEvent, useState } from 'react';
import { describeAiError } from '../connection/describe-ai-error.ts';
import { useAiErrorEffect } from '../connection/use-ai-error-effect.ts';
import { type Note, noteText } from '../notes/note-store.ts';

/**
 * "Ask about this note": a conversation with history (the hook sends every earlier turn along), grounded in the
 * note through the system prompt. The parent keys it by note, so another note starts a new conversation.
 */
export function AskPanel({ client, note }: { client: GatewayClient; note: Note }) {
  const chat = useAiChat(client, {
    system:
      'Answer questions about the note below, briefly and only from what it says; say so when it does not ' +
      `answer the question.\n\n${noteText(note)}`,
  });
  const [question, setQuestion] = useState('');
  useAiErrorEffect(chat.error);
  const isBusy = chat.status === 'streaming' || chat.status === 'resuming';

  const ask = (event: FormEvent) => {
    event.preventDefault();
    const text = question.trim();
    if (text === '' || isBusy) return;
    chat.send(text);
    setQuestion('');
  };

  return (
    <section className="card" aria-labelledby="ask-heading">
      <h2 id="ask-heading">Ask about this note</h2>
      {chat.messages.length > 0 && (
        <ol className="conversation" aria-label="Conversation">
          {chat.messages.map((message, index) => (
            // Messages are only ever appended, so the position is a stable key.
            // biome-ignore lint/suspicious/noArrayIndexKey: append-only list
            <li key={index} className={`message message-${message.role}`}>
              <span className="visually-hidden">{message.role === 'user' ? 'You: ' : 'AI: '}</span>
              {message.content}
            </li>
          ))}
        </ol>
      )}
      {chat.status === 'error' && (
        <p className="error" role="alert">
          {describeAiError(chat.error)}
        </p>
      )}
      <form className="ask-form" onSubmit={ask}>
        <label className="visually-hidden" htmlFor="ask-question">
          Question
        </label>
        <input
          id="ask-question"
          value={question}
          placeholder="What did we decide?"
          onChange={(event) => setQuestion(event.target.value)}
        />
        {isBusy ? (
          <button type="button" className="button button-secondary" onClick={() => chat.stop()}>
            Stop
          </button>
        ) : (
          <button type="submit" className="button" disabled={question.trim() === ''}>
            Ask
          </button>
        )}
      </form>
      {chat.messages.length > 0 && !isBusy && (
        <div className="actions">
          {chat.status === 'error' && (
            <button type="button" className="button button-secondary" onClick={() => chat.retry()}>
              Try again
            </button>
          )}
          <button type="button" className="button button-link" onClick={() => chat.reset()}>
            New conversation
          </button>
        </div>
      )}
    </section>
  );
}
