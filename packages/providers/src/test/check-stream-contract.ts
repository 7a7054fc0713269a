import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { isOutputPart } from '../common/is-output-part.ts';

/**
 * Lists every way a parts array breaks our stream contract: `stream-start` first; exactly one `finish`, last;
 * text/reasoning/tool-input deltas inside a start…end with the same id; every block closed; tool-call input is JSON;
 * no `error` part before the first output part. Returns [] when the stream is well formed.
 */
export function checkStreamContract(parts: LanguageModelV3StreamPart[]): string[] {
  const problems: string[] = [];
  if (parts[0]?.type !== 'stream-start') problems.push('the first part is not stream-start');
  const finishes = parts.filter((part) => part.type === 'finish').length;
  if (finishes !== 1) problems.push(`${finishes} finish parts`);
  if (parts.at(-1)?.type !== 'finish') problems.push('the last part is not finish');
  if (parts.filter((part) => part.type === 'response-metadata').length > 1) problems.push('response-metadata twice');

  const open = new Map<string, string>();
  const closed = new Set<string>();
  let hasOutput = false;
  parts.forEach((part, index) => {
    if (part.type === 'error' && !hasOutput) problems.push(`error part at ${index} before any output`);
    if (isOutputPart(part)) hasOutput = true;
    const kind = part.type.split('-').slice(0, -1).join('-');
    if (part.type.endsWith('-start') && part.type !== 'stream-start') {
      const key = `${kind}:${(part as { id: string }).id}`;
      if (open.has(key) || closed.has(key)) problems.push(`${part.type} ${key} started twice`);
      open.set(key, part.type);
    } else if (part.type.endsWith('-delta') || part.type.endsWith('-end')) {
      const key = `${kind}:${(part as { id: string }).id}`;
      if (!open.has(key)) problems.push(`${part.type} at ${index} outside its block ${key}`);
      if (part.type.endsWith('-end')) {
        open.delete(key);
        closed.add(key);
      }
    } else if (part.type === 'tool-call') {
      try {
        JSON.parse(part.input);
      } catch {
        problems.push(`tool-call ${part.toolCallId} input is not JSON: ${part.input}`);
      }
    }
  });
  for (const key of open.keys()) problems.push(`block ${key} never ended`);
  return problems;
}
