import { estimateTokens } from './split-into-deltas.ts';

/** What the model fakes answer when a scenario gives no text. */
export const FAKE_REPLY_TEXT = 'Hello! How can I help you today?';

/** Where a stream stops early (`Count` names what is counted before it): an error event, or a dropped connection. */
export type ReplyInterruption<Count extends string, ErrorBody> = Record<Count, number> &
  ({ kind: 'error'; error?: ErrorBody } | { kind: 'disconnect' });

/** What a reply scenario of every model fake has; each adds its reasoning, calls and usage. */
export type BaseReplyScenario<Interruption> = {
  kind: 'reply';
  /** Default `FAKE_REPLY_TEXT`, or no text beside tool calls. */
  text?: string;
  /** Answer `echo: <text of the last user message>` (when `text` is not given), to tell concurrent callers apart. */
  echo?: boolean;
  /** Overrides the fake's `chunkCount` for this reply. */
  chunkCount?: number;
  interruption?: Interruption;
};

/**
 * The scenario's text, else an echo, else the default (none beside calls). A budget smaller than reasoning plus text
 * cuts the text where it runs out, as a real model stops mid-sentence, and drops the calls.
 */
export function planReplyText(options: {
  scenario: { text?: string; echo?: boolean };
  lastUserText: string;
  hasCalls: boolean;
  reasoning: string;
  maxOutputTokens: number | undefined;
}): { text: string; isCut: boolean } {
  const { scenario, reasoning, maxOutputTokens: budget } = options;
  const echo = scenario.echo === true ? `echo: ${options.lastUserText}` : undefined;
  const text = scenario.text ?? echo ?? (options.hasCalls ? '' : FAKE_REPLY_TEXT);
  if (budget == null || estimateTokens(reasoning) + estimateTokens(text) <= budget) return { text, isCut: false };
  const kept = Math.max(0, budget - estimateTokens(reasoning)) * 4;
  return { text: Array.from(text).slice(0, kept).join(''), isCut: true };
}
