import type { GatewayClient } from '@pag/client';
import { useState } from 'react';
import { describeAiError } from '../connection/describe-ai-error.ts';
import { useAiErrorEffect } from '../connection/use-ai-error-effect.ts';
import { type Note, noteText } from '../notes/note-store.ts';

type TagsState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'done'; tags: string[] }
  | { status: 'error'; error: unknown; message: string };

/** The `tags` output as the built-in feature's schema shapes it (`{ tags: string[] }`), or null if it is not. */
function readTags(output: unknown): string[] | null {
  const tags = (output as { tags?: unknown } | null)?.tags;
  return Array.isArray(tags) && tags.every((tag) => typeof tag === 'string') ? tags : null;
}

/** Tags as structured output: the gateway validates the model's JSON, so the app gets a list, not a sentence. */
export function TagsPanel({ client, note }: { client: GatewayClient; note: Note }) {
  const [state, setState] = useState<TagsState>({ status: 'idle' });
  useAiErrorEffect(state.status === 'error' ? state.error : null);

  const suggest = async () => {
    setState({ status: 'loading' });
    try {
      const answer = await client.chat({ feature: 'tags', content: noteText(note) });
      const tags = readTags(answer.output);
      setState(
        tags == null
          ? { status: 'error', error: null, message: 'The answer had no tags: please try again.' }
          : { status: 'done', tags },
      );
    } catch (error) {
      setState({ status: 'error', error, message: describeAiError(error) });
    }
  };

  return (
    <section className="card" aria-labelledby="tags-heading">
      <h2 id="tags-heading">Tags</h2>
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={state.status === 'loading' || note.body.trim() === ''}
          onClick={suggest}
        >
          {state.status === 'loading' ? 'Suggesting…' : 'Suggest tags'}
        </button>
      </div>
      {state.status === 'done' &&
        (state.tags.length === 0 ? (
          <p className="hint">No tags suggested for this note.</p>
        ) : (
          <ul className="chips" aria-label="Suggested tags">
            {state.tags.map((tag) => (
              <li key={tag} className="chip">
                {tag}
              </li>
            ))}
          </ul>
        ))}
      {state.status === 'error' && (
        <p className="error" role="alert">
          {state.message}
        </p>
      )}
    </section>
  );
}
