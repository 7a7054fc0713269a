/** What an `echo` scenario answers: the last user text of Chat Completions `messages` or a Responses `input`. */
export function readLastUserText(body: Readonly<Record<string, unknown>>): string {
  if (typeof body.input === 'string') return body.input;
  const items = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : [];
  const last = items.findLast(
    (item): item is { content: unknown } => typeof item === 'object' && item != null && item.role === 'user',
  );
  if (last == null) return '';
  if (typeof last.content === 'string') return last.content;
  if (!Array.isArray(last.content)) return '';
  return last.content
    .map((part: { type?: unknown; text?: unknown }) =>
      (part.type === 'text' || part.type === 'input_text') && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}
