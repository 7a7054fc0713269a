import { buildResponseEvents, buildResponseFailureFrames } from './build-response-events.ts';
import { buildScenarioError, DEFAULT_STREAM_ERROR } from './build-scenario-error.ts';
import type { FakeOpenAiApiContext } from './fake-openai-api-context.ts';
import { onOpenAiRoute, readOpenAiJsonBody } from './on-openai-route.ts';
import { sendOpenAiApiRejection } from './openai-api-error.ts';
import { planOpenAiTurn } from './plan-openai-turn.ts';
import { readLastUserText } from './read-last-user-text.ts';
import { sendOpenAiJsonAnswer } from './send-openai-json-answer.ts';
import { validateResponsesRequest } from './validate-responses-request.ts';
import { writeOpenAiStream } from './write-openai-stream.ts';

/** `POST /v1/responses`, streaming (typed events, no `[DONE]`) or not. */
export function registerResponsesRoute(context: FakeOpenAiApiContext): void {
  onOpenAiRoute({
    context,
    method: 'POST',
    path: '/v1/responses',
    handler: async (request, reply) => {
      const parsed = validateResponsesRequest({
        body: readOpenAiJsonBody(request),
        models: context.models,
        shouldRejectUnknownParameters: context.shouldRejectUnknownParameters,
        hasStoredResponse: (id) => context.storedResponseIds.has(id),
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
      const { frames, response } = buildResponseEvents({ turn, request: parsed.body });
      if (parsed.shouldStore && turn.interruption == null) context.storedResponseIds.add(String(response.id));
      if (!parsed.isStream) {
        await sendOpenAiJsonAnswer({ reply, turn, body: response, perChunkDelayMs: context.perChunkDelayMs });
        return;
      }
      await writeOpenAiStream({
        reply,
        frames,
        interruption: turn.interruption,
        closingEvents: [],
        buildFailureEvents: (written) =>
          buildResponseFailureFrames({
            turn,
            request: parsed.body,
            nextSequenceNumber: written.length,
            error:
              turn.interruption?.kind === 'error'
                ? (turn.interruption.error ?? DEFAULT_STREAM_ERROR)
                : DEFAULT_STREAM_ERROR,
          }).map((frame) => ({ event: frame.event ?? 'error', data: frame.data })),
        delayMs: context.perChunkDelayMs,
      });
    },
  });
}
