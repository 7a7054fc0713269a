import type { GatewayClient } from '@pag/client';
import { useAiStream } from '@pag/client/react';
import { useState } from 'react';
import { describeAiError } from '../connection/describe-ai-error.ts';
import { useAiErrorEffect } from '../connection/use-ai-error-effect.ts';
import { type Note, noteText, updateNote } from '../notes/note-store.ts';

const LANGUAGES = ['English', 'French', 'German', 'Spanish', 'Italian', 'Portuguese', 'Japanese'] as const;

type Task = { kind: 'summary'; title: 'Summary' } | { kind: 'rewrite' | 'translation'; title: string };

const STATUS_TEXT: Record<string, string> = {
  streaming: 'Writing…',
  resuming: 'The connection dropped: picking the answer up where it stopped…',
  stopped: 'Stopped.',
};

/**
 * Summarize, rewrite and translate: answers that stream in as they are written, with Stop. A dropped connection is
 * the client's business (it resumes the stream by itself); the panel only says so while it happens.
 */
export function WritingPanel({ client, note }: { client: GatewayClient; note: Note }) {
  const stream = useAiStream(client);
  const [task, setTask] = useState<Task | null>(null);
  const [language, setLanguage] = useState<string>(LANGUAGES[1]);
  useAiErrorEffect(stream.error);
  const isBusy = stream.status === 'streaming' || stream.status === 'resuming';
  const isEmpty = note.body.trim() === '';

  const run = (next: Task, content: string, feature: 'summarize' | 'rewrite' | 'translate') => {
    setTask(next);
    stream.start({ feature, content });
  };

  return (
    <section className="card" aria-labelledby="writing-heading">
      <h2 id="writing-heading">Write with AI</h2>
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={isBusy || isEmpty}
          onClick={() => run({ kind: 'summary', title: 'Summary' }, noteText(note), 'summarize')}
        >
          Summarize
        </button>
        <button
          type="button"
          className="button"
          disabled={isBusy || isEmpty}
          onClick={() => run({ kind: 'rewrite', title: 'Rewrite' }, noteText(note), 'rewrite')}
        >
          Rewrite
        </button>
        <span className="inline-field">
          <button
            type="button"
            className="button"
            disabled={isBusy || isEmpty}
            onClick={() =>
              run(
                { kind: 'translation', title: `Translation into ${language}` },
                `Translate this note into ${language}.\n\n${noteText(note)}`,
                'translate',
              )
            }
          >
            Translate
          </button>
          <label className="visually-hidden" htmlFor="translate-language">
            Language
          </label>
          <select id="translate-language" value={language} onChange={(event) => setLanguage(event.target.value)}>
            {LANGUAGES.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </span>
      </div>
      {isEmpty && <p className="hint">Write something in the note first.</p>}

      {task != null && (
        <section className="answer" aria-label={task.title} aria-busy={isBusy}>
          <h3>{task.title}</h3>
          {stream.text !== '' && <p className="answer-text">{stream.text}</p>}
          <p className="status-line" role="status">
            {STATUS_TEXT[stream.status] ?? ''}
          </p>
          {stream.status === 'error' && (
            <p className="error" role="alert">
              {describeAiError(stream.error)}
            </p>
          )}
          <div className="actions">
            {isBusy && (
              <button type="button" className="button button-secondary" onClick={() => stream.stop()}>
                Stop
              </button>
            )}
            {(stream.status === 'stopped' || stream.status === 'error') && (
              <button type="button" className="button button-secondary" onClick={() => stream.retry()}>
                Try again
              </button>
            )}
            {stream.status === 'done' && task.kind !== 'summary' && (
              <button
                type="button"
                className="button button-secondary"
                onClick={() => updateNote(note.id, { body: stream.text })}
              >
                Replace the note with this
              </button>
            )}
          </div>
        </section>
      )}
    </section>
  );
}
