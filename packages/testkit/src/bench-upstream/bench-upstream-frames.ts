/** What one answer looks like; identical for every request of a bench upstream except the id and the stamps. */
export type BenchAnswerShape = {
  model: string;
  /** Content deltas in a stream; the non-stream answer's content is all of them joined. */
  chunkCount: number;
  /** Each delta's text when not stamped. */
  deltaText: string;
};

export type BenchUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
};

/** Usage in api.openai.com's full shape; about four characters a token, like the other fakes estimate. */
export function buildBenchUsage(options: { promptChars: number; completionChars: number }): BenchUsage {
  const prompt = Math.max(1, Math.ceil(options.promptChars / 4));
  const completion = Math.max(1, Math.ceil(options.completionChars / 4));
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** A `chat.completion` object as api.openai.com returns it for a plain text answer. */
export function buildBenchCompletion(options: {
  id: string;
  created: number;
  model: string;
  content: string;
  usage: BenchUsage;
}): Record<string, unknown> {
  return {
    id: options.id,
    object: 'chat.completion',
    created: options.created,
    model: options.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: options.content, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: options.usage,
    service_tier: 'default',
    system_fingerprint: 'fp_bench',
  };
}

/**
 * Writes `chat.completion.chunk` frames in api.openai.com's wire form. The envelope's fixed part is serialised once
 * per request and each frame splices its delta in, so the fake spends microseconds per chunk, not the JSON
 * encoder's time for the whole object.
 */
export function createBenchChunkWriter(options: {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
}): { delta(delta: Record<string, unknown>, finishReason?: string): string; usage(usage: BenchUsage): string } {
  const head = `data: {"id":${JSON.stringify(options.id)},"object":"chat.completion.chunk","created":${options.created},"model":${JSON.stringify(options.model)},"service_tier":"default","system_fingerprint":"fp_bench","choices":`;
  const tail = options.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  return {
    delta(delta, finishReason) {
      const choice = `[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finishReason == null ? 'null' : JSON.stringify(finishReason)}}]`;
      return `${head}${choice}${tail}`;
    },
    usage(usage) {
      return `${head}[],"usage":${JSON.stringify(usage)}}\n\n`;
    },
  };
}

/**
 * The wall-clock time in milliseconds with microsecond resolution, comparable between processes on one machine:
 * the send stamp a stamped delta carries, and what a client subtracts it from to get the relay delay.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A stamped delta's text: `t=<ms>;` — parseable out of a relayed stream whatever the relay did to the framing. */
export function formatStamp(ms: number): string {
  return `t=${ms.toFixed(3)};`;
}

/** Every stamp in a text (a relay may merge or split deltas), in order. */
export function readStamps(text: string): number[] {
  const stamps: number[] = [];
  for (const match of text.matchAll(/t=(\d+\.\d{3});/g)) stamps.push(Number(match[1]));
  return stamps;
}
