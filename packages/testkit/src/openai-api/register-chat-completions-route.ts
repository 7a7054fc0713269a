import { buildChatCompletion } from './build-chat-completion.ts';
import { buildChatCompletionChunks } from './build-chat-completion-chunks.ts';
import { buildScenarioError, DEFAULT_STREAM_ERROR } from './build-scenario-error.ts';
import type { FakeOpenAiApiContext } from './fake-openai-api-context.ts';
import { onOpenAiRoute, readOpenAiJsonBody } from './on-openai-route.ts';
import { sendOpenAiApiRejection } from './openai-api-error.ts';
import { planOpenAiTurn } from './plan-openai-turn.ts';
import { readLastUserText } from './read-last-user-text.ts';
import { sendOpenAiJsonAnswer } from './send-openai-json-answer.ts';
import { validateChatCompletionRequest } from './validate-chat-completion-request.ts';
import { writeOpenAiStream } from './write-openai-stream.ts';

/** `POST /v1/chat/completions`, streaming or not; each valid request plays the next scenario. */
export function registerChatCompletionsRoute(context: FakeOpenAiApiContext): void {
  onOpenAiRoute({
    context,
    method: 'POST',
    path: '/v1/chat/completions',
    handler: async (request, reply) => {
      const parsed = validateChatCompletionRequest({
        body: readOpenAiJsonBody(request),
        models: context.models,
        shouldRejectUnknownParameters: context.shouldRejectUnknownParameters,
      });
      const scenario = context.takeScenario();
      if (scenario.kind === 'http-error') {
        sendOpenAiApiRejection({ reply, rejection: buildScenarioError({ scenario, model: parsed.model.id }) });
        return;
      }
      const turn = planOpenAiTurn({
        scenario,
        serial: context.nextSerial(),
        created: Math.floor(context.now() / 1000),
        model: parsed.model.id,
        promptText: parsed.promptText,
        lastUserText: readLastUserText(parsed.body),
        maxOutputTokens: parsed.maxOutputTokens,
        chunkCount: context.chunkCount,
      });
      if (!parsed.isStream) {
        await sendOpenAiJsonAnswer({
          reply,
          turn,
          body: buildChatCompletion(turn),
          perChunkDelayMs: context.perChunkDelayMs,
        });
        return;
      }
      await writeOpenAiStream({
        reply,
        frames: buildChatCompletionChunks({ turn, shouldIncludeUsage: parsed.shouldIncludeUsage }),
        interruption: turn.interruption,
        closingEvents: [{ data: '[DONE]' }],
        // openai-node throws on any data event with an `error` key; the stream then ends without [DONE].
        buildFailureEvents: () => [
          {
            data: {
              error:
                turn.interruption?.kind === 'error'
                  ? (turn.interruption.error ?? DEFAULT_STREAM_ERROR)
                  : DEFAULT_STREAM_ERROR,
            },
          },
        ],
        delayMs: context.perChunkDelayMs,
      });
    },
  });
}
