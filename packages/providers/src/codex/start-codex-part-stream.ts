import type { LanguageModelV3StreamPart, SharedV3Warning } from '@ai-sdk/provider';
import type { UpstreamBodyReader } from '../common/post-upstream.ts';
import { startSsePartStream } from '../common/start-sse-part-stream.ts';
import { UpstreamProtocolError } from '../errors/upstream-protocol-error.ts';
import { parseCodexChunk } from './codex-api.ts';
import type { CodexStreamState } from './codex-stream-state.ts';

type Part = LanguageModelV3StreamPart;

/**
 * How a `response.in_progress` event begins as the backend writes it (`type` first). Like `response.created` it
 * echoes the whole request (instructions, tools), a few KB to parse that change nothing once the answer's metadata is
 * in (issue 22 profile). An event written in another order is parsed as any other; a skipped one is not parsed at
 * all, so a malformed in-progress event after the first is ignored where it was reported as an unparsable chunk.
 * docs/codex-protocol.md §6.2.
 */
const IN_PROGRESS_PREFIX = '{"type":"response.in_progress"';

/**
 * Reads the Codex SSE body and emits V3 parts through the one SSE pump (`startSsePartStream`: `stream-start` first,
 * exactly one `finish` last, an error before output thrown, the caller's abort honoured). Each event is parsed and
 * checked (`parseCodexChunk`) and handed to the stream state, but for a `response.in_progress` the state has no use
 * for.
 */
export async function startCodexPartStream(options: {
  body: UpstreamBodyReader;
  url: string;
  state: CodexStreamState;
  warnings: SharedV3Warning[];
  includeRawChunks: boolean;
  abortSignal: AbortSignal | undefined;
}): Promise<ReadableStream<Part>> {
  const { url, state } = options;
  return startSsePartStream({
    body: options.body,
    url,
    warnings: options.warnings,
    abortSignal: options.abortSignal,
    decoder: {
      // The backend closes the body after its terminal event; the stream ends with the body.
      isComplete: false,
      finish: (finishOptions) => state.finish(finishOptions),
      handleEvent(data) {
        if (data === '[DONE]') return [];
        if (!options.includeRawChunks && state.ignoresInProgressEvents && data.startsWith(IN_PROGRESS_PREFIX))
          return [];
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch (error) {
          return state.handleError(
            new UpstreamProtocolError({
              message: `Unparsable Codex stream chunk: ${data.slice(0, 200)}`,
              url,
              cause: error,
            }),
          );
        }
        const parts: Part[] = options.includeRawChunks ? [{ type: 'raw', rawValue: json }] : [];
        const chunk = parseCodexChunk(json);
        if (!chunk.success) {
          parts.push(
            ...state.handleError(
              new UpstreamProtocolError({ message: 'Codex stream chunk without a type.', url, cause: chunk.error }),
            ),
          );
          return parts;
        }
        parts.push(...state.handleChunk(chunk.data));
        return parts;
      },
    },
  });
}
