import type { ServerResponse } from 'node:http';
import { sendJson } from '../send-json.ts';
import { authorizeCodexRequest } from './authorize-codex-request.ts';
import type { CodexErrorAnswer } from './build-codex-error-answer.ts';
import { buildCodexErrorAnswer } from './build-codex-error-answer.ts';
import { buildCodexStreamPlan } from './build-codex-stream-plan.ts';
import { CODEX_RESPONSES_PATH } from './codex-backend-constants.ts';
import { detailErrorBody } from './codex-error-body.ts';
import type { FakeCodexBackendContext } from './fake-codex-backend-context.ts';
import { defaultEffortOf } from './fake-codex-model.ts';
import { buildCodexRateLimitHeaders } from './fake-codex-rate-limits.ts';
import { listCodexModels } from './list-codex-models.ts';
import { validateCodexResponsesRequest } from './validate-codex-responses-request.ts';
import { writeCodexStream } from './write-codex-stream.ts';

/**
 * `POST /backend-api/codex/responses`: auth, then validation (docs/codex-protocol.md §8.2), then the next scripted
 * scenario — a stream or an error before it. Every answer carries `x-request-id`; 200 and 429 also carry the
 * `x-codex-*` rate-limit headers (§7.3).
 */
export function registerCodexResponsesRoute(context: FakeCodexBackendContext): void {
  const { state, log } = context;
  context.router.on('POST', CODEX_RESPONSES_PATH, async (request, reply) => {
    const exchange = log.open({ request: context.findRecorded(request.rawBody), reply });
    const requestId = context.createId('req');
    const answer = (result: CodexErrorAnswer, options: { isRejection: boolean }) => {
      exchange.status = result.status;
      if (options.isRejection) exchange.rejection = result.body;
      sendErrorAnswer({ reply, answer: result, requestId });
    };

    const authorization = await authorizeCodexRequest({
      headers: request.headers,
      verifyAccessToken: context.verifyAccessToken,
      rejections: state.rejections,
    });
    if (!authorization.ok) return answer(authorization.answer, { isRejection: true });
    const { claims } = authorization;
    exchange.accountId = claims.accountId;

    let body: unknown;
    try {
      body = JSON.parse(request.text());
    } catch {
      // FastAPI itself would answer 422 here; the backend's exact answer is unverified.
      return answer(
        { status: 400, headers: {}, body: detailErrorBody('Request body is not valid JSON') },
        { isRejection: true },
      );
    }
    const validation = validateCodexResponsesRequest({
      body,
      models: state.models,
      unsupportedParameters: context.unsupportedParameters,
    });
    if (!validation.ok) {
      return answer({ status: validation.status, headers: {}, body: validation.body }, { isRejection: true });
    }

    const { name, scenario } = state.queue.shift() ?? state.defaultScenario;
    exchange.scenario = name;
    const now = context.now();
    if (scenario.kind !== 'stream') {
      const result = buildCodexErrorAnswer({ scenario, rateLimits: state.rateLimits, now, planType: claims.planType });
      return answer(result, { isRejection: false });
    }

    const plan = buildCodexStreamPlan({
      scenario,
      request: validation.body,
      defaultEffort: defaultEffortOf(validation.model),
      createdAt: Math.floor(now / 1000),
      createId: context.createId,
    });
    exchange.status = 200;
    await writeCodexStream({
      reply,
      plan,
      headers: {
        ...(scenario.shouldOmitContentType === true ? {} : { 'content-type': 'text/event-stream; charset=utf-8' }),
        'cache-control': 'no-cache',
        'x-request-id': requestId,
        'x-models-etag': listCodexModels({ models: state.models, clientVersion: undefined }).etag,
        ...buildCodexRateLimitHeaders({ rateLimits: state.rateLimits, now, planType: claims.planType }),
      },
      onDisconnect: () => log.markIntentionalClose(exchange),
    });
  });
}

function sendErrorAnswer(options: { reply: ServerResponse; answer: CodexErrorAnswer; requestId: string }): void {
  const { answer } = options;
  sendJson({
    reply: options.reply,
    status: answer.status,
    headers: { 'x-request-id': options.requestId, ...answer.headers },
    body: answer.body,
  });
}
