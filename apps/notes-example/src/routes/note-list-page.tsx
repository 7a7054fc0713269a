import { Link, useLocation } from 'wouter';
import { createNote, useNotes } from '../notes/note-store.ts';

export function NoteListPage() {
  const notes = useNotes();
  const [, navigate] = useLocation();
  return (
    <main className="page">
      <div className="page-heading">
        <h1>Notes</h1>
        <button type="button" className="button" onClick={() => navigate(`/notes/${createNote().id}`)}>
          New note
        </button>
      </div>
      {notes.length === 0 ? (
        <p className="hint">No notes yet.</p>
      ) : (
        <ul className="note-list">
          {notes.map((note) => (
            <li key={note.id}>
              <Link href={`/notes/${note.id}`} className="note-link">
                <span className="note-title">{note.title || 'Untitled note'}</span>
                <span className="note-preview">{note.body || 'Empty'}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
