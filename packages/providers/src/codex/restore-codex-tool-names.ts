import { type EventSourceMessage, readSseEvents } from '../common/parse-sse-stream.ts';
import type { UpstreamBodyReader } from '../common/post-upstream.ts';
import { CODEX_NAMED_TOOL_TYPES, CODEX_TOOL_CALL_TYPES, type CodexToolNames } from './codex-tool-names.ts';

/**
 * A Codex SSE body with the caller's tool names put back wherever the backend echoes the names we sent: the calls
 * in `item` (`response.output_item.added`/`.done`) and in `response.output`, and the request echo in
 * `response.tools` / `response.tool_choice` (docs/codex-protocol.md §6.2). For relays that pass the event stream
 * on (`/v1/responses`). When no name was changed the body is returned as it is, byte for byte; otherwise each event
 * is parsed and written again as `event:` + one `data:` line (§6.1), unchanged except for those names.
 */
export function restoreCodexToolNames(body: UpstreamBodyReader, toolNames: CodexToolNames): UpstreamBodyReader {
  if (toolNames.isUnchanged) return body;
  const events = readSseEvents(body);
  const encoder = new TextEncoder();
  return {
    async read() {
      const next = await events.read();
      if (next.done) return { done: true, value: undefined };
      return { done: false, value: encoder.encode(formatEvent(restoreEvent(next.value, toolNames))) };
    },
    cancel: (reason) => events.cancel(reason),
  };
}

function restoreEvent(event: EventSourceMessage, toolNames: CodexToolNames): EventSourceMessage {
  let json: unknown;
  try {
    json = JSON.parse(event.data);
  } catch {
    // Not ours to judge here: whoever reads the relayed stream reports it.
    return event;
  }
  if (!isRecord(json)) return event;
  let isChanged = restoreName(json.item, CODEX_TOOL_CALL_TYPES, toolNames);
  const { response } = json;
  if (isRecord(response)) {
    for (const item of Array.isArray(response.output) ? response.output : []) {
      isChanged = restoreName(item, CODEX_TOOL_CALL_TYPES, toolNames) || isChanged;
    }
    for (const tool of Array.isArray(response.tools) ? response.tools : []) {
      isChanged = restoreName(tool, CODEX_NAMED_TOOL_TYPES, toolNames) || isChanged;
    }
    isChanged = restoreName(response.tool_choice, CODEX_NAMED_TOOL_TYPES, toolNames) || isChanged;
  }
  return isChanged ? { ...event, data: JSON.stringify(json) } : event;
}

/** Puts the caller's name back on a tool or call of the given types; true when it changed. */
function restoreName(value: unknown, types: ReadonlySet<string>, toolNames: CodexToolNames): boolean {
  if (!isRecord(value) || typeof value.type !== 'string' || !types.has(value.type)) return false;
  if (typeof value.name !== 'string') return false;
  const name = toolNames.fromCodex(value.name);
  if (name === value.name) return false;
  value.name = name;
  return true;
}

function formatEvent(event: EventSourceMessage): string {
  const lines: string[] = [];
  if (event.event != null) lines.push(`event: ${event.event}`);
  if (event.id != null) lines.push(`id: ${event.id}`);
  // Data that was not rewritten may span lines; each becomes its own `data:` line again.
  for (const line of event.data.split('\n')) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value != null && typeof value === 'object' && !Array.isArray(value);
}
