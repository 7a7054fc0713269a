import { estimateTokens } from './split-into-deltas.ts';

/** What the model fakes answer when a scenario gives no text. */
export const FAKE_REPLY_TEXT = 'Hello! How can I help you today?';

/**
 * The visible text of a reply: the scenario's, else an echo of the last user text, else the default (none beside tool
 * calls). An output budget smaller than reasoning plus text cuts the text where it ends, as a real model stops
 * mid-sentence, and drops the calls.
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
