import type { GatewayClient } from '@pag/client';
import { useState } from 'react';
import { Link } from 'wouter';
import { describeAiError } from '../connection/describe-ai-error.ts';
import { useAiErrorEffect } from '../connection/use-ai-error-effect.ts';
import { type Note, noteText } from '../notes/note-store.ts';
import { rankRelatedNotes } from './rank-related-notes.ts';

const RELATED_LIMIT = 3;

type RelatedState =
  | { status: 'idle' | 'loading' }
  | { status: 'done'; related: { candidate: Note; similarity: number }[] }
  | { status: 'error'; error: unknown };

/** Related notes: one `embed` call for this note and the others, ranked by cosine similarity in the browser. */
export function RelatedNotesPanel({ client, note, notes }: { client: GatewayClient; note: Note; notes: Note[] }) {
  const [state, setState] = useState<RelatedState>({ status: 'idle' });
  useAiErrorEffect(state.status === 'error' ? state.error : null);
  const others = notes.filter((other) => other.id !== note.id && other.body.trim() !== '');

  const find = async () => {
    setState({ status: 'loading' });
    try {
      const answer = await client.embed({ input: [noteText(note), ...others.map(noteText)] });
      setState({
        status: 'done',
        related: rankRelatedNotes({ candidates: others, embeddings: answer.embeddings, limit: RELATED_LIMIT }),
      });
    } catch (error) {
      setState({ status: 'error', error });
    }
  };

  return (
    <section className="card" aria-labelledby="related-heading">
      <h2 id="related-heading">Related notes</h2>
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={state.status === 'loading' || others.length === 0 || note.body.trim() === ''}
          onClick={find}
        >
          {state.status === 'loading' ? 'Looking…' : 'Find related notes'}
        </button>
      </div>
      {others.length === 0 && <p className="hint">There are no other notes to compare with yet.</p>}
      {state.status === 'done' && (
        <ul className="related" aria-label="Related notes">
          {state.related.map(({ candidate, similarity }) => (
            <li key={candidate.id}>
              <Link href={`/notes/${candidate.id}`}>{candidate.title || 'Untitled note'}</Link>
              <span className="hint"> · {Math.round(similarity * 100)}% similar</span>
            </li>
          ))}
        </ul>
      )}
      {state.status === 'error' && (
        <p className="error" role="alert">
          {describeAiError(state.error)}
        </p>
      )}
    </section>
  );
}
