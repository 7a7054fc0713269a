import { createLocalStorageStore, useLocalStorageStore } from './local-storage-store.ts';

export type Note = { id: string; title: string; body: string; updatedAt: number };

const SAMPLE_NOTES: readonly Omit<Note, 'id' | 'updatedAt'>[] = [
  {
    title: 'Garden plan',
    body:
      'Plant tomatoes and basil along the south fence in May. The raised bed needs new soil first: order two bags ' +
      'of compost on Friday. Water every morning while it is dry, and ask Sam to water while we are away.',
  },
  {
    title: 'Team meeting, Tuesday',
    body:
      'We agreed to ship the beta on the 14th. Ana writes the release notes, Ben fixes the login bug first. ' +
      'Open question: do we keep the old export format? Decide next week.',
  },
  {
    title: 'Vegetable seedlings',
    body:
      'Tomato seedlings need warmth and light: keep them on the kitchen window until the nights are warm, then ' +
      'harden them off outside for a week before planting.',
  },
];

function isNote(value: unknown): value is Note {
  const note = value as Note;
  return (
    typeof note === 'object' &&
    note != null &&
    typeof note.id === 'string' &&
    typeof note.title === 'string' &&
    typeof note.body === 'string' &&
    typeof note.updatedAt === 'number'
  );
}

// A first visit gets a few sample notes, so every AI feature (related notes too) has something to work on.
const sampleNotes = (): Note[] =>
  SAMPLE_NOTES.map((note, index) => ({ ...note, id: `sample-${index + 1}`, updatedAt: Date.now() - index * 60_000 }));

const store = createLocalStorageStore<Note[]>({
  key: 'notes-example.notes',
  fallback: sampleNotes,
  parse: (raw) => (Array.isArray(raw) && raw.every(isNote) ? raw : undefined),
});

/** Every note, most recently changed first. */
export function useNotes(): Note[] {
  return useLocalStorageStore(store);
}

export function createNote(): Note {
  const note: Note = { id: crypto.randomUUID(), title: '', body: '', updatedAt: Date.now() };
  store.set([note, ...store.get()]);
  return note;
}

export function updateNote(id: string, change: Partial<Pick<Note, 'title' | 'body'>>): void {
  const notes = store.get().map((note) => (note.id === id ? { ...note, ...change, updatedAt: Date.now() } : note));
  store.set(notes.sort((a, b) => b.updatedAt - a.updatedAt));
}

export function deleteNote(id: string): void {
  store.set(store.get().filter((note) => note.id !== id));
}

/** What the AI is given for a note: its title as a heading, then its text. */
export function noteText(note: Note): string {
  return note.title.trim() === '' ? note.body : `# ${note.title.trim()}\n\n${note.body}`;
}
