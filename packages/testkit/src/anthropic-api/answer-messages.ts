import { createHash } from 'node:crypto';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { takeSerial } from '../model-api-state.ts';
import { planReplyText } from '../plan-reply-text.ts';
import { readLastUserText } from '../read-last-user-text.ts';
import { cutStream, sendJsonAnswerLate } from '../reply-interruptions.ts';
import { sendJson } from '../send-json.ts';
import { estimateTokens, splitIntoDeltas } from '../split-into-deltas.ts';
import type { SseEvent } from '../write-sse.ts';
import { writeSse } from '../write-sse.ts';
import { anthropicError, sendAnthropicRejection } from './anthropic-api-error.ts';
import type { AnthropicApiContext } from './anthropic-api-fake.ts';
import { FAKE_ANTHROPIC_THINKING, type FakeAnthropicHttpErrorScenario } from './fake-anthropic-scenario.ts';
import type { MessagesRequest } from './validate-messages-request.ts';

type Block =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** One frame of the stream; `isDelta` marks the deltas an interruption counts. */
type Frame = SseEvent & { isDelta: boolean };

const OVERLOADED = { type: 'overloaded_error', message: 'Overloaded' };

/** Plays the next scenario for a valid request: an error status, or the message as JSON or as its event stream. */
export async function answerMessages(options: {
  context: AnthropicApiContext;
  reply: ServerResponse;
  request: MessagesRequest;
}): Promise<void> {
  const { context, reply, request } = options;
  const scenario = context.takeScenario();
  if (scenario.kind === 'http-error') throw buildScenarioError(scenario);
  const serial = takeSerial(context.state);
  const count = scenario.chunkCount ?? context.state.chunkCount;
  // Thinking is answered only when the request enables it, as the real API does.
  const thinking = request.isThinking ? (scenario.thinking ?? FAKE_ANTHROPIC_THINKING) : '';
  const uses = scenario.toolUses ?? [];
  const planned = planReplyText({
    scenario,
    lastUserText: readLastUserText(request.body),
    hasCalls: uses.length > 0,
    reasoning: thinking,
    maxOutputTokens: request.maxTokens,
  });
  const stop = findStopSequence(planned.text, request.stopSequences);
  const text = stop == null ? planned.text : planned.text.slice(0, stop.index);
  const keptUses = planned.isCut || stop != null ? [] : uses;
  const blocks: Block[] = [];
  if (thinking !== '') {
    blocks.push({
      type: 'thinking',
      thinking,
      signature: context.state.signatures.issue(`${request.model.id}:${serial}`),
    });
  }
  if (text !== '') blocks.push({ type: 'text', text });
  keptUses.forEach((use, index) => {
    blocks.push({ type: 'tool_use', id: use.id ?? `toolu_fake_${serial}_${index}`, name: use.name, input: use.input });
  });
  const stopReason = planned.isCut
    ? 'max_tokens'
    : stop != null
      ? 'stop_sequence'
      : keptUses.length > 0
        ? 'tool_use'
        : 'end_turn';
  const usage = {
    input_tokens: scenario.usage?.inputTokens ?? estimateTokens(request.promptText),
    output_tokens:
      scenario.usage?.outputTokens ??
      estimateTokens(thinking) +
        estimateTokens(text) +
        keptUses.reduce((sum, use) => sum + estimateTokens(JSON.stringify(use.input)), 0),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: scenario.usage?.cacheReadInputTokens ?? 0,
  };
  const message = {
    id: `msg_fake_${serial}`,
    type: 'message',
    role: 'assistant',
    model: request.model.id,
    content: blocks,
    stop_reason: stopReason,
    stop_sequence: stop?.sequence ?? null,
    usage,
  };
  const { interruption } = scenario;
  const error = interruption?.kind === 'error' ? (interruption.error ?? OVERLOADED) : OVERLOADED;
  const frames = renderFrames(message, blocks, count);
  const { perChunkDelayMs } = context.state;
  if (!request.isStream) {
    await sendJsonAnswerLate({
      context,
      reply,
      latencyMs: frames.filter((frame) => frame.isDelta).length * perChunkDelayMs,
      interruption,
      sendError: () =>
        sendAnthropicRejection(reply, anthropicError({ message: error.message, type: 'overloaded_error' })),
      sendBody: () => sendJson({ reply, body: message, headers: buildAnthropicHeaders() }),
    });
    return;
  }
  let written = frames;
  if (interruption != null) {
    let seen = 0;
    const cut = frames.findIndex((frame) => frame.isDelta && seen++ === interruption.afterDeltas);
    // Fewer deltas than asked for: the cut falls before message_stop, so the stream still ends abnormally.
    written = frames.slice(0, cut === -1 ? -1 : cut);
  }
  const events: SseEvent[] = written.map(({ event, data }) => ({ event, data }));
  if (interruption?.kind === 'error') events.push({ event: 'error', data: { type: 'error', error } });
  const isCutShort = interruption?.kind === 'disconnect';
  const result = await writeSse({
    reply,
    events,
    delayMs: perChunkDelayMs,
    headers: buildAnthropicHeaders(),
    shouldEnd: !isCutShort,
  });
  if (isCutShort && !result.hasClientDisconnected) await cutStream({ context, reply });
}

/** The event stream of one message: start, a ping, each block's start / deltas / stop, the delta with the stop reason, stop. */
function renderFrames(
  message: { content: Block[]; usage: { input_tokens: number; output_tokens: number } } & Record<string, unknown>,
  blocks: Block[],
  count: number,
): Frame[] {
  const frame = (event: string, data: Record<string, unknown>, isDelta = false): Frame => ({
    event,
    data: { type: event, ...data },
    isDelta,
  });
  const frames: Frame[] = [
    frame('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...message.usage, output_tokens: 1 },
      },
    }),
    frame('ping', {}),
  ];
  blocks.forEach((block, index) => {
    const delta = (value: Record<string, unknown>) => frame('content_block_delta', { index, delta: value }, true);
    if (block.type === 'thinking') {
      frames.push(
        frame('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }),
      );
      for (const piece of splitIntoDeltas({ text: block.thinking, count })) {
        frames.push(delta({ type: 'thinking_delta', thinking: piece }));
      }
      frames.push(
        frame('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature } }),
      );
    } else if (block.type === 'text') {
      frames.push(frame('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const piece of splitIntoDeltas({ text: block.text, count }))
        frames.push(delta({ type: 'text_delta', text: piece }));
    } else {
      frames.push(
        frame('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        }),
      );
      for (const piece of splitIntoDeltas({ text: JSON.stringify(block.input), count })) {
        frames.push(delta({ type: 'input_json_delta', partial_json: piece }));
      }
    }
    frames.push(frame('content_block_stop', { index }));
  });
  frames.push(
    frame('message_delta', {
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
      usage: { output_tokens: message.usage.output_tokens },
    }),
    frame('message_stop', {}),
  );
  return frames;
}

/** Where the text first meets one of the request's stop sequences (the sequence itself is not sent). */
function findStopSequence(text: string, sequences: readonly string[]): { index: number; sequence: string } | undefined {
  let found: { index: number; sequence: string } | undefined;
  for (const sequence of sequences) {
    const index = text.indexOf(sequence);
    if (index >= 0 && (found == null || index < found.index)) found = { index, sequence };
  }
  return found;
}

/** An `http-error` scenario; 429, 500 and 529 get the real default bodies, a 429 its `retry-after`. */
function buildScenarioError(scenario: FakeAnthropicHttpErrorScenario) {
  const { status } = scenario;
  const rejection =
    status === 429
      ? anthropicError({
          type: 'rate_limit_error',
          message:
            'This request would exceed the rate limit for your organization of 50 requests per minute. Please try again later.',
          headers: { 'retry-after': '1', ...buildAnthropicHeaders(true) },
        })
      : status === 529
        ? anthropicError({ type: 'overloaded_error', message: 'Overloaded' })
        : status === 500
          ? anthropicError({ type: 'api_error', message: 'Internal server error' })
          : anthropicError({
              status,
              type: status >= 500 ? 'api_error' : 'invalid_request_error',
              message: `Scripted error with status ${status}.`,
            });
  if (scenario.body != null) Object.assign(rejection, { body: scenario.body });
  Object.assign(rejection.headers, scenario.headers ?? {});
  return rejection;
}

/** The rate-limit headers every answer carries; clients pace themselves by them. */
export function buildAnthropicHeaders(isRateLimited = false): OutgoingHttpHeaders {
  return {
    'anthropic-ratelimit-requests-limit': '50',
    'anthropic-ratelimit-requests-remaining': isRateLimited ? '0' : '49',
    'anthropic-ratelimit-requests-reset': new Date(Date.now() + 1000).toISOString(),
  };
}

/** Signatures the fake hands out with thinking blocks; a thinking block sent back must carry one of them. */
export function createThinkingSignatures() {
  const issued = new Set<string>();
  return {
    issue(seed: string): string {
      // Real signatures are long opaque base64; a digest gives a similar look without pretending to be one.
      const signature = createHash('sha256').update(`thinking:${seed}`).digest('base64');
      issued.add(signature);
      return signature;
    },
    has: (signature: string) => issued.has(signature),
  };
}
