import type { BaseReplyScenario, ReplyInterruption } from '../plan-reply-text.ts';
import type { ScenarioCallRule } from '../resolve-scenario-input.ts';
import { resolveScenarioInput } from '../resolve-scenario-input.ts';
import type { OpenAiErrorBody } from './openai-request-checks.ts';

export type FakeOpenAiToolCall = {
  name: string;
  /** An object is sent as its JSON text; a string as is (so a test can send invalid JSON on purpose). */
  arguments: string | Record<string, unknown>;
  /** Default `call_fake_<serial>_<index>`. */
  id?: string;
};

const TOOL_CALL_RULE: ScenarioCallRule = {
  field: 'toolCalls',
  isValid: (call) => typeof call?.name === 'string' && call.name !== '',
  problem: '.name" must be a non-empty string',
};

/** Counted in text, reasoning and argument deltas. */
export type FakeOpenAiInterruption = ReplyInterruption<'afterDeltas', OpenAiErrorBody['error']>;

/** A model answer: reasoning, text and tool calls, streamed in that order. */
export type FakeOpenAiReplyScenario = BaseReplyScenario<FakeOpenAiInterruption> & {
  /** Sent as `reasoning_content` deltas (chat) or a reasoning summary (responses). */
  reasoning?: string;
  toolCalls?: readonly FakeOpenAiToolCall[];
  /** Default `stop`, or `tool_calls` beside tool calls. */
  finishReason?: 'stop' | 'length' | 'content_filter';
  /** Token counts the fake would otherwise estimate (about four characters a token). */
  usage?: { promptTokens?: number; completionTokens?: number; cachedTokens?: number; reasoningTokens?: number };
};

/** An HTTP error before any output; the body defaults to the real one for 429, 500 and 503. */
export type FakeOpenAiHttpErrorScenario = {
  kind: 'http-error';
  status: number;
  body?: OpenAiErrorBody;
  headers?: Record<string, string>;
};

export type FakeOpenAiScenario = FakeOpenAiReplyScenario | FakeOpenAiHttpErrorScenario;

const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, ' +
  'read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';
export type FakeOpenAiScenarioInput = keyof typeof FAKE_OPENAI_SCENARIOS | FakeOpenAiScenario;

export function resolveFakeOpenAiScenario(input: FakeOpenAiScenarioInput): FakeOpenAiScenario {
  return resolveScenarioInput<FakeOpenAiScenario>(input, FAKE_OPENAI_SCENARIOS, TOOL_CALL_RULE);
}

const WEATHER_CALL = { name: 'get_weather', arguments: { city: 'Paris' } };

export const FAKE_OPENAI_SCENARIOS = {
  text: { kind: 'reply' },
  echo: { kind: 'reply', echo: true },
  reasoning: { kind: 'reply', reasoning: 'The user greets me. A short, friendly answer fits.' },
  'tool-call': { kind: 'reply', toolCalls: [WEATHER_CALL] },
  'parallel-tool-calls': {
    kind: 'reply',
    toolCalls: [WEATHER_CALL, { name: 'get_time', arguments: { timezone: 'Europe/Paris' } }],
  },
  length: { kind: 'reply', text: 'The answer is longer than the', finishReason: 'length' },
  'content-filter': { kind: 'reply', text: 'I can', finishReason: 'content_filter' },
  'error-mid-stream': { kind: 'reply', interruption: { kind: 'error', afterDeltas: 2 } },
  'disconnect-mid-stream': { kind: 'reply', interruption: { kind: 'disconnect', afterDeltas: 2 } },
  'rate-limit': { kind: 'http-error', status: 429 },
  'insufficient-quota': {
    kind: 'http-error',
    status: 429,
    body: { error: { message: QUOTA_MESSAGE, type: 'insufficient_quota', param: null, code: 'insufficient_quota' } },
  },
  'server-error': { kind: 'http-error', status: 500 },
  overloaded: { kind: 'http-error', status: 503 },
} as const satisfies Record<string, FakeOpenAiScenario>;
