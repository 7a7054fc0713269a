import { handWritesToSocket } from '../hand-writes-to-socket.ts';
import { sendJson } from '../send-json.ts';
import { wait } from '../wait.ts';
import { writeSse } from '../write-sse.ts';
import type { CodexErrorAnswer } from './authorize-codex-request.ts';
import { authorizeCodexRequest } from './authorize-codex-request.ts';
import { buildCodexErrorAnswer } from './build-codex-error-answer.ts';
import { buildCodexStreamPlan } from './build-codex-stream-plan.ts';
import type { CodexBackendContext } from './codex-backend-fake.ts';
import { detailErrorBody } from './codex-error-body.ts';
import { defaultEffortOf, listCodexModels } from './codex-model-catalogue.ts';
import { buildCodexRateLimitHeaders } from './codex-rate-limits.ts';
import type { FakeCodexAccessTokenVerifier } from './read-codex-token-claims.ts';
import { DEFAULT_UNSUPPORTED_PARAMETERS, validateCodexResponsesRequest } from './validate-codex-responses-request.ts';

/**
 * `POST /backend-api/codex/responses`: auth, then validation (docs/codex-protocol.md §8.2), then the next scripted
 * scenario — a stream or an error before it. Every answer carries `x-request-id`; 200 and 429 also carry the
 * `x-codex-*` rate-limit headers (§7.3). Streams are `event: <type>` + `data: <json>` frames with no `[DONE]` (§6.1).
 */
export function registerCodexResponsesRoute(options: {
  context: CodexBackendContext;
  verifyAccessToken: FakeCodexAccessTokenVerifier;
  createId: (prefix: string) => string;
}): void {
  const { context, createId } = options;
  context.router.on('POST', '/backend-api/codex/responses', async (request, reply) => {
    const { state } = context;
    const exchange = state.log.open(context.findRecorded(request.rawBody), reply);
    context.watchClientClose(request, reply);
    const requestId = createId('req');
    const answer = (result: CodexErrorAnswer, isRejection = true) => {
      exchange.status = result.status;
      if (isRejection) exchange.rejection = result.body;
      sendJson({
        reply,
        status: result.status,
        headers: { 'x-request-id': requestId, ...result.headers },
        body: result.body,
      });
    };

    const authorization = await authorizeCodexRequest({
      headers: request.headers,
      verifyAccessToken: options.verifyAccessToken,
      rejections: state.rejections,
    });
    if ('answer' in authorization) return answer(authorization.answer);
    const { claims } = authorization;
    exchange.accountId = claims.accountId;
    let body: unknown;
    try {
      body = JSON.parse(request.text());
    } catch {
      // FastAPI itself would answer 422 here; the backend's exact answer is unverified.
      return answer({ status: 400, headers: {}, body: detailErrorBody('Request body is not valid JSON') });
    }
    const validation = validateCodexResponsesRequest({
      body,
      models: state.models,
      unsupportedParameters: context.options.unsupportedParameters ?? DEFAULT_UNSUPPORTED_PARAMETERS,
    });
    if (!validation.ok) return answer({ status: validation.status, headers: {}, body: validation.body });

    const { name, scenario } = context.takeScenario();
    exchange.scenario = name;
    const now = context.now();
    const { planType } = claims;
    if (scenario.kind !== 'stream') {
      return answer(buildCodexErrorAnswer({ scenario, rateLimits: state.rateLimits, now, planType }), false);
    }
    const plan = buildCodexStreamPlan({
      scenario,
      request: validation.body,
      defaultEffort: defaultEffortOf(validation.model),
      createdAt: Math.floor(now / 1000),
      createId,
    });
    exchange.status = 200;
    const headers = {
      'x-request-id': requestId,
      'x-models-etag': listCodexModels({ models: state.models }).etag,
      ...buildCodexRateLimitHeaders({ rateLimits: state.rateLimits, now, planType }),
    };
    if (scenario.shouldOmitContentType === true) {
      reply.writeHead(200, { 'cache-control': 'no-cache', ...headers });
      reply.flushHeaders();
    }
    const { stall } = plan;
    const { hasClientDisconnected } = await writeSse({
      reply,
      headers,
      events: plan.events.map((event, index) => ({
        event: event.type,
        data: event,
        ...(stall?.beforeEvent === index ? { delayMs: stall.ms } : {}),
      })),
      shouldEnd: !plan.shouldDisconnect,
    });
    if (hasClientDisconnected || !plan.shouldDisconnect) return;
    if (stall?.beforeEvent === plan.events.length) await wait({ ms: stall.ms });
    // Wait until the last frame is on the socket, or destroying it could swallow it.
    await handWritesToSocket(reply);
    state.log.markCut(reply);
    context.markIntentionalClose(reply);
    // No terminating chunk: the client sees the body end early, as when the backend drops mid-stream.
    reply.socket?.destroy();
  });
}
