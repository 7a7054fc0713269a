/** What every frame and answer of one request carries. */
export type BenchAnswer = { id: string; created: number; model: string };

// Always zero: a bench answer has no reasoning, audio or predicted tokens.
const NO_COMPLETION_DETAILS = Object.fromEntries(
  ['reasoning_tokens', 'audio_tokens', 'accepted_prediction_tokens', 'rejected_prediction_tokens'].map((key) => [
    key,
    0,
  ]),
);

/** Usage in api.openai.com's full shape; about four characters a token, like the other fakes estimate. */
export function benchUsage(promptChars: number, completionChars: number): Record<string, unknown> {
  const prompt = Math.max(1, Math.ceil(promptChars / 4));
  const completion = Math.max(1, Math.ceil(completionChars / 4));
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: NO_COMPLETION_DETAILS,
  };
}

/** A `chat.completion` as api.openai.com returns it for a plain text answer. */
export function buildBenchCompletion(answer: BenchAnswer & { content: string; usage: unknown }): unknown {
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: answer.content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: answer.usage,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  };
}

/** `chat.completion.chunk` frames; the fixed envelope is serialised once per request, so a chunk costs microseconds. */
export function createBenchChunkWriter(answer: BenchAnswer & { includeUsage: boolean }) {
  const head = `data: {"id":${JSON.stringify(answer.id)},"object":"chat.completion.chunk","created":${answer.created},"model":${JSON.stringify(answer.model)},"service_tier":"default","system_fingerprint":"fp_bench","choices":`;
  const tail = answer.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  return {
    delta(delta: Record<string, unknown>, finishReason: string | null = null): string {
      return `${head}[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finishReason)}}]${tail}`;
    },
    usage: (usage: unknown): string => `${head}[],"usage":${JSON.stringify(usage)}}\n\n`,
  };
}

/** Wall-clock ms with microsecond resolution, comparable between processes on one machine (stamps, relay delay). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A stamped delta's text: `t=<ms>;`, parseable out of a relayed stream whatever the relay did to the framing. */
export function formatStamp(ms: number): string {
  return `t=${ms.toFixed(3)};`;
}

/** Every stamp in a text (a relay may merge or split deltas), in order. */
export function readStamps(text: string): number[] {
  return [...text.matchAll(/t=(\d+\.\d{3});/g)].map((match) => Number(match[1]));
}
