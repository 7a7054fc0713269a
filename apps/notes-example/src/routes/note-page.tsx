import { Link, useLocation } from 'wouter';
import { AskPanel } from '../ai/ask-panel.tsx';
import { RelatedNotesPanel } from '../ai/related-notes-panel.tsx';
import { TagsPanel } from '../ai/tags-panel.tsx';
import { WritingPanel } from '../ai/writing-panel.tsx';
import { NotConnected } from '../components/not-connected.tsx';
import { useGatewayClient } from '../connection/use-gateway-client.ts';
import { deleteNote, updateNote, useNotes } from '../notes/note-store.ts';

/** One note: the editor, then its AI features (or how to connect them). */
export function NotePage({ id }: { id: string }) {
  const notes = useNotes();
  const note = notes.find((candidate) => candidate.id === id);
  const client = useGatewayClient();
  const [, navigate] = useLocation();

  if (note == null) {
    return (
      <main className="page">
        <h1>Note not found</h1>
        <p>
          It may have been deleted. <Link href="/">Back to your notes</Link>
        </p>
      </main>
    );
  }

  return (
    <main className="page">
      <p className="back">
        <Link href="/">← All notes</Link>
      </p>
      <section className="card editor" aria-label="Note">
        <label htmlFor="note-title">Title</label>
        <input
          id="note-title"
          value={note.title}
          placeholder="Untitled note"
          onChange={(event) => updateNote(note.id, { title: event.target.value })}
        />
        <label htmlFor="note-body">Note</label>
        <textarea
          id="note-body"
          rows={8}
          value={note.body}
          onChange={(event) => updateNote(note.id, { body: event.target.value })}
        />
        <div className="actions">
          <button
            type="button"
            className="button button-link button-danger"
            onClick={() => {
              deleteNote(note.id);
              navigate('/');
            }}
          >
            Delete note
          </button>
        </div>
      </section>

      {client == null ? (
        <NotConnected />
      ) : (
        // Keyed by note: another note starts with fresh answers and a new conversation.
        <div className="ai-panels" key={note.id}>
          <WritingPanel client={client} note={note} />
          <TagsPanel client={client} note={note} />
          <AskPanel client={client} note={note} />
          <RelatedNotesPanel client={client} note={note} notes={notes} />
        </div>
      )}
    </main>
  );
}
