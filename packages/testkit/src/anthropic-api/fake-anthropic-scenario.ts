import type { BaseReplyScenario, ReplyInterruption } from '../plan-reply-text.ts';
import type { ScenarioCallRule } from '../resolve-scenario-input.ts';
import { resolveScenarioInput } from '../resolve-scenario-input.ts';
import type { AnthropicErrorBody } from './anthropic-api-error.ts';

export type FakeAnthropicToolUse = {
  name: string;
  /** An object is streamed as its JSON text. */
  input: Record<string, unknown>;
  /** Default `toolu_fake_<serial>_<index>`. */
  id?: string;
};

const TOOL_USE_RULE: ScenarioCallRule = {
  field: 'toolUses',
  isValid: (call) => typeof call?.name === 'string' && call.name !== '' && typeof call.input === 'object',
  problem: '.name" must be a non-empty string and ".input" an object',
};

/** Counted in text, thinking and input-JSON deltas; the error is an `error` event's object. */
export type FakeAnthropicInterruption = ReplyInterruption<'afterDeltas', AnthropicErrorBody['error']>;

/** A model answer: thinking (when the request enables it), text and tool uses, streamed in that order. */
export type FakeAnthropicReplyScenario = BaseReplyScenario<FakeAnthropicInterruption> & {
  /** Sent as a thinking block only when the request enables thinking, as the real API does. */
  thinking?: string;
  toolUses?: readonly FakeAnthropicToolUse[];
  /** Token counts the fake would otherwise estimate (about four characters a token). */
  usage?: { inputTokens?: number; outputTokens?: number; cacheReadInputTokens?: number };
};

/** An HTTP error before any output; the body defaults to the real one for 429, 500 and 529. */
export type FakeAnthropicHttpErrorScenario = {
  kind: 'http-error';
  status: number;
  body?: AnthropicErrorBody;
  headers?: Record<string, string>;
};

export type FakeAnthropicScenario = FakeAnthropicReplyScenario | FakeAnthropicHttpErrorScenario;
export type FakeAnthropicScenarioInput = keyof typeof FAKE_ANTHROPIC_SCENARIOS | FakeAnthropicScenario;

export function resolveFakeAnthropicScenario(input: FakeAnthropicScenarioInput): FakeAnthropicScenario {
  return resolveScenarioInput<FakeAnthropicScenario>(input, FAKE_ANTHROPIC_SCENARIOS, TOOL_USE_RULE);
}

/** What the fake thinks when a request enables thinking and the scenario names no thought. */
export const FAKE_ANTHROPIC_THINKING = 'The user greets me. A short, friendly answer fits.';

const WEATHER_CALL = { name: 'get_weather', input: { city: 'Paris' } };

export const FAKE_ANTHROPIC_SCENARIOS = {
  text: { kind: 'reply' },
  echo: { kind: 'reply', echo: true },
  thinking: { kind: 'reply', thinking: FAKE_ANTHROPIC_THINKING },
  'tool-use': { kind: 'reply', toolUses: [WEATHER_CALL] },
  'parallel-tool-use': {
    kind: 'reply',
    toolUses: [WEATHER_CALL, { name: 'get_time', input: { timezone: 'Europe/Paris' } }],
  },
  'error-mid-stream': { kind: 'reply', interruption: { kind: 'error', afterDeltas: 2 } },
  'disconnect-mid-stream': { kind: 'reply', interruption: { kind: 'disconnect', afterDeltas: 2 } },
  'rate-limit': { kind: 'http-error', status: 429 },
  'server-error': { kind: 'http-error', status: 500 },
  overloaded: { kind: 'http-error', status: 529 },
} as const satisfies Record<string, FakeAnthropicScenario>;
