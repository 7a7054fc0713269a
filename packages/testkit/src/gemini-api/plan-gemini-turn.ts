import { estimateTokens, splitIntoDeltas } from '../openai-api/split-into-deltas.ts';
import type { ThoughtSignatureRegistry } from './create-thought-signature-registry.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import type { FakeGeminiInterruption, FakeGeminiReplyScenario } from './fake-gemini-scenario.ts';
import { FAKE_GEMINI_REPLY_TEXT } from './fake-gemini-scenario.ts';

export type GeminiTurnFunctionCall = {
  name: string;
  args: Record<string, unknown>;
  id: string | undefined;
  thoughtSignature: string | undefined;
};

export type GeminiTurnUsage = {
  promptTokenCount: number;
  candidatesTokenCount: number;
  thoughtsTokenCount: number;
  cachedContentTokenCount: number;
};

/** One answer, independent of streaming; both the chunks and the single response render it. */
export type GeminiTurn = {
  responseId: string;
  modelVersion: string;
  thoughts: string;
  /** Only when the request set `includeThoughts`; thought tokens are counted either way. */
  thoughtDeltas: string[];
  text: string;
  textDeltas: string[];
  /** Gemini 3 signs the last text part of an answer without function calls. */
  textSignature: string | undefined;
  functionCalls: GeminiTurnFunctionCall[];
  finishReason: string;
  usage: GeminiTurnUsage;
  interruption: FakeGeminiInterruption | undefined;
};

export type PlanGeminiTurnOptions = {
  scenario: FakeGeminiReplyScenario;
  model: FakeGeminiModel;
  serial: string;
  promptText: string;
  /** The text parts of the last `role: "user"` content, for `echo` scenarios. */
  lastUserText: string;
  includeThoughts: boolean;
  /** Thinking turned off with `thinkingBudget: 0`. */
  isThinkingOff: boolean;
  maxOutputTokens: number | undefined;
  chunkCount: number;
  signatures: ThoughtSignatureRegistry;
};

export function planGeminiTurn(options: PlanGeminiTurnOptions): GeminiTurn {
  const { scenario, model } = options;
  const count = scenario.chunkCount ?? options.chunkCount;
  const isThinking = model.isThinking && !options.isThinkingOff;
  const thoughts = isThinking ? (scenario.thoughts ?? '') : '';
  const echo = scenario.echo === true ? `echo: ${options.lastUserText}` : undefined;
  let text = scenario.text ?? echo ?? ((scenario.functionCalls?.length ?? 0) > 0 ? '' : FAKE_GEMINI_REPLY_TEXT);
  let finishReason: string = scenario.finishReason ?? 'STOP';
  let calls = scenario.functionCalls ?? [];
  // maxOutputTokens covers thinking too on Gemini 2.5 and later, so a tiny limit cuts the visible text first.
  const budget = options.maxOutputTokens;
  if (budget != null && estimateTokens(thoughts) + estimateTokens(text) > budget) {
    text = Array.from(text)
      .slice(0, Math.max(0, budget - estimateTokens(thoughts)) * 4)
      .join('');
    calls = [];
    finishReason = 'MAX_TOKENS';
  }
  const functionCalls = calls.map((call, index) => ({
    name: call.name,
    args: call.args,
    id: call.id,
    // Parallel calls: only the first part carries the signature, as Gemini 3 does.
    thoughtSignature:
      isThinking && index === 0
        ? options.signatures.issue({ model: model.id, serial: options.serial, index, functionName: call.name })
        : undefined,
  }));
  const textSignature =
    model.requiresThoughtSignatures && functionCalls.length === 0 && text !== ''
      ? options.signatures.issue({ model: model.id, serial: options.serial, index: -1 })
      : undefined;
  const thoughtsTokenCount = scenario.usage?.thoughtsTokenCount ?? estimateTokens(thoughts);
  const candidatesTokenCount =
    scenario.usage?.candidatesTokenCount ??
    estimateTokens(text) + functionCalls.reduce((sum, call) => sum + estimateTokens(JSON.stringify(call.args)), 0);
  return {
    responseId: `fake-gemini-response-${options.serial}`,
    modelVersion: model.id,
    thoughts,
    thoughtDeltas: options.includeThoughts ? splitIntoDeltas({ text: thoughts, count }) : [],
    text,
    textDeltas: splitIntoDeltas({ text, count }),
    textSignature,
    functionCalls,
    finishReason,
    usage: {
      promptTokenCount: scenario.usage?.promptTokenCount ?? estimateTokens(options.promptText),
      candidatesTokenCount,
      thoughtsTokenCount,
      cachedContentTokenCount: scenario.usage?.cachedContentTokenCount ?? 0,
    },
    interruption: scenario.interruption,
  };
}
