/**
 * The text parts (thoughts excluded) of the last user content: what an `echo` scenario answers with. A content
 * without `role` counts as the user's, as the API reads a single-turn request that leaves it out.
 */
export function readLastUserText(
  contents: readonly { role?: string; parts?: readonly { text?: unknown; thought?: unknown }[] }[],
): string {
  const last = contents.findLast((content) => content.role == null || content.role === 'user');
  return (last?.parts ?? [])
    .map((part) => (typeof part.text === 'string' && part.thought !== true ? part.text : ''))
    .join('');
}
