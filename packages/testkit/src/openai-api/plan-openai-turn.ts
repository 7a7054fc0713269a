import type { FakeOpenAiInterruption, FakeOpenAiReplyScenario } from './fake-openai-scenario.ts';
import { FAKE_OPENAI_REPLY_TEXT } from './fake-openai-scenario.ts';
import { estimateTokens, splitIntoDeltas } from './split-into-deltas.ts';

export type OpenAiTurnToolCall = { id: string; name: string; arguments: string; argumentDeltas: string[] };

export type OpenAiTurnUsage = {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
};

/** One answer, independent of the wire format; chat completions and responses both render it. */
export type OpenAiTurn = {
  /** The numeric part shared by every id of this turn (`chatcmpl-…`, `resp_…`, `msg_…`). */
  serial: string;
  created: number;
  model: string;
  reasoning: string;
  reasoningDeltas: string[];
  text: string;
  textDeltas: string[];
  toolCalls: OpenAiTurnToolCall[];
  finishReason: 'stop' | 'length' | 'content_filter' | 'tool_calls';
  usage: OpenAiTurnUsage;
  interruption: FakeOpenAiInterruption | undefined;
};

export type PlanOpenAiTurnOptions = {
  scenario: FakeOpenAiReplyScenario;
  serial: string;
  created: number;
  model: string;
  /** All text of the request, for the prompt token estimate. */
  promptText: string;
  /** The last user message's text, for `echo` scenarios. */
  lastUserText: string;
  /** `max_completion_tokens`, `max_tokens` or `max_output_tokens`. */
  maxOutputTokens: number | undefined;
  chunkCount: number;
};

export function planOpenAiTurn(options: PlanOpenAiTurnOptions): OpenAiTurn {
  const { scenario } = options;
  const count = scenario.chunkCount ?? options.chunkCount;
  const hasToolCalls = (scenario.toolCalls?.length ?? 0) > 0;
  const reasoning = scenario.reasoning ?? '';
  const echo = scenario.echo === true ? `echo: ${options.lastUserText}` : undefined;
  let text = scenario.text ?? echo ?? (hasToolCalls ? '' : FAKE_OPENAI_REPLY_TEXT);
  let finishReason: OpenAiTurn['finishReason'] = scenario.finishReason ?? (hasToolCalls ? 'tool_calls' : 'stop');
  let toolCalls: OpenAiTurnToolCall[] = (scenario.toolCalls ?? []).map((call, index) => {
    const argumentsText = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    return {
      id: call.id ?? `call_fake_${options.serial}_${index}`,
      name: call.name,
      arguments: argumentsText,
      argumentDeltas: splitIntoDeltas({ text: argumentsText, count }),
    };
  });

  // A tiny output limit cuts the text where the budget ends, as a real model stops mid-sentence.
  const budget = options.maxOutputTokens;
  if (budget != null && estimateTokens(reasoning) + estimateTokens(text) > budget) {
    const remaining = Math.max(0, budget - estimateTokens(reasoning)) * 4;
    text = Array.from(text).slice(0, remaining).join('');
    toolCalls = [];
    finishReason = 'length';
  }

  const reasoningTokens = scenario.usage?.reasoningTokens ?? estimateTokens(reasoning);
  const completionTokens =
    scenario.usage?.completionTokens ??
    reasoningTokens + estimateTokens(text) + toolCalls.reduce((sum, call) => sum + estimateTokens(call.arguments), 0);
  return {
    serial: options.serial,
    created: options.created,
    model: options.model,
    reasoning,
    reasoningDeltas: splitIntoDeltas({ text: reasoning, count }),
    text,
    textDeltas: splitIntoDeltas({ text, count }),
    toolCalls,
    finishReason,
    usage: {
      promptTokens: scenario.usage?.promptTokens ?? estimateTokens(options.promptText),
      completionTokens,
      cachedTokens: scenario.usage?.cachedTokens ?? 0,
      reasoningTokens,
    },
    interruption: scenario.interruption,
  };
}
