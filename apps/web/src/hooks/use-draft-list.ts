import { useState } from 'react';

/**
 * A saved list the user edits as a whole before saving it (model aliases, custom prices): the rows shown are the
 * draft once anything changed, else the saved ones. `reset` drops the draft (after a save, the saved list is new).
 */
export function useDraftList<Row>(saved: readonly Row[]) {
  const [draft, setDraft] = useState<Row[] | null>(null);
  const rows = draft ?? saved;
  return {
    rows,
    isChanged: draft != null,
    update: (index: number, change: Partial<Row>) =>
      setDraft(rows.map((row, at) => (at === index ? { ...row, ...change } : row))),
    remove: (index: number) => setDraft(rows.filter((_, at) => at !== index)),
    add: (row: Row) => setDraft([...rows, row]),
    reset: () => setDraft(null),
  };
}
