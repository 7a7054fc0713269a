/** The text parts (thoughts excluded) of the last `role: "user"` content: what an `echo` scenario answers with. */
export function readLastUserText(
  contents: readonly { role?: string; parts?: readonly { text?: unknown; thought?: unknown }[] }[],
): string {
  const last = contents.findLast((content) => content.role === 'user');
  return (last?.parts ?? [])
    .map((part) => (typeof part.text === 'string' && part.thought !== true ? part.text : ''))
    .join('');
}
