/** One SSE event of a fake stream; `isDelta` marks text, reasoning and argument deltas, where interruptions count. */
export type OpenAiStreamFrame = {
  /** The `event:` line; chat completions send none, the Responses API repeats the JSON `type`. */
  event?: string;
  data: Record<string, unknown>;
  isDelta: boolean;
};

/** The frames written before an interruption after `afterDeltas` deltas; all frames when it never comes. */
export function takeFramesBeforeInterruption(options: {
  frames: readonly OpenAiStreamFrame[];
  afterDeltas: number | undefined;
}): OpenAiStreamFrame[] {
  const { frames, afterDeltas } = options;
  if (afterDeltas == null) return [...frames];
  let seen = 0;
  for (const [index, frame] of frames.entries()) {
    if (seen === afterDeltas && frame.isDelta) return frames.slice(0, index);
    if (frame.isDelta) seen += 1;
  }
  // Fewer deltas than asked for: the cut falls before the terminal frame, so the stream still ends abnormally.
  return frames.slice(0, Math.max(0, frames.length - 1));
}
