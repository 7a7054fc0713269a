import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeRequest } from '../fake-request.ts';
import { handWritesToSocket } from '../hand-writes-to-socket.ts';
import type { RecordedRequest } from '../request-recorder.ts';
import { sendJson } from '../send-json.ts';
import { wait } from '../wait.ts';
import { writeSse } from '../write-sse.ts';
import type { FakeCodexTokenRejection } from './authorize-codex-request.ts';
import { authorizeCodexRequest, decodeCodexAccessToken } from './authorize-codex-request.ts';
import type { CodexErrorAnswer } from './build-codex-error-answer.ts';
import { buildCodexErrorAnswer } from './build-codex-error-answer.ts';
import { buildCodexStreamPlan } from './build-codex-stream-plan.ts';
import type { CodexBackendContext } from './codex-backend-fake.ts';
import { DEFAULT_FAKE_CODEX_MODELS, defaultEffortOf, listCodexModels } from './codex-model-catalogue.ts';
import { buildCodexRateLimitHeaders, buildWhamUsageBody } from './codex-rate-limits.ts';
import { DEFAULT_UNSUPPORTED_PARAMETERS, validateCodexResponsesRequest } from './validate-codex-responses-request.ts';

/**
 * One `POST /codex/responses`: `scenario` is unset when auth or validation refused it (the body is then `rejection`);
 * `isClientAbort` says the client left before the answer was complete (not a disconnect the scenario asked for).
 */
export type FakeCodexExchange = {
  index: number;
  request: RecordedRequest | undefined;
  accountId: string | undefined;
  status: number | undefined;
  scenario: string | undefined;
  rejection: unknown;
  closedAt: number | undefined;
  isClientAbort: boolean;
};

/** The routes under `/backend-api`; each checks the token and account first (scripted rejections: model calls only). */
export function registerCodexRoutes(context: CodexBackendContext): void {
  const { options } = context;
  const models = options.models ?? DEFAULT_FAKE_CODEX_MODELS;
  const verifyAccessToken = options.verifyAccessToken ?? ((token) => decodeCodexAccessToken(token, context.now()));
  const createId =
    options.createId ?? ((prefix) => `${prefix}_${randomBytes(prefix === 'call' ? 12 : 24).toString('hex')}`);
  const authorize = (request: FakeRequest, rejections: FakeCodexTokenRejection[] = []) =>
    authorizeCodexRequest({ headers: request.headers, verifyAccessToken, rejections });
  const send = (reply: ServerResponse, answer: CodexErrorAnswer) => sendJson({ reply, ...answer });

  // §5.6: the catalogue with an `ETag`, and 304 when `If-None-Match` already names it.
  context.router.on('GET', '/backend-api/codex/models', async (request, reply) => {
    const headers = { 'x-request-id': createId('req') };
    const authorization = await authorize(request);
    if ('answer' in authorization) return send(reply, { ...authorization.answer, headers });
    // The real catalogue gates models by the version the client sends; what it does without one is unverified,
    // so the fake is strict and treats that client as the oldest.
    const { body, etag } = listCodexModels({
      models: context.state.servesEmptyCatalogue ? [] : models,
      clientVersion: request.url.searchParams.get('client_version') ?? '0.0.0',
    });
    if (request.headers['if-none-match'] === etag) reply.writeHead(304, { etag, ...headers }).end();
    else send(reply, { status: 200, headers: { etag, ...headers }, body });
  });

  // §7.4: bearer token and account header as strictly as `/responses`, then the windows the headers would report,
  // or the scripted fault (a status, or a body whose shape changed).
  context.router.on('GET', '/backend-api/wham/usage', async (request, reply) => {
    const headers = { 'x-request-id': createId('req') };
    const authorization = await authorize(request);
    if ('answer' in authorization) return send(reply, { ...authorization.answer, headers });
    const { state } = context;
    state.usageRequests += 1;
    const fault = state.usageFault;
    if (fault != null) {
      fault.times -= 1;
      if (fault.times <= 0) state.usageFault = null;
      if (fault.kind === 'shape') {
        return send(reply, { status: 200, headers, body: { usage: { five_hour: '95%' }, plan: 'plus' } });
      }
      const body = { error: { message: `Scripted usage failure ${fault.status}`, type: 'server_error', code: null } };
      return send(reply, { status: fault.status, headers, body });
    }
    const { claims } = authorization;
    const body = buildWhamUsageBody({ rateLimits: state.rateLimits, now: context.now(), claims });
    send(reply, { status: 200, headers, body });
  });

  // Auth, validation (§8.2), then the next scenario: a stream (`event:` + `data:` frames, no `[DONE]`, §6.1) or an
  // error before it. All answers carry `x-request-id`, 200 and 429 the `x-codex-*` rate-limit headers (§7.3).
  context.router.on('POST', '/backend-api/codex/responses', async (request, reply) => {
    const { state } = context;
    const exchange: FakeCodexExchange = {
      index: state.exchanges.length,
      request: context.findRecorded(request.rawBody),
      // Every field is there from the start, undefined until known.
      ...{ accountId: undefined, status: undefined, scenario: undefined, rejection: undefined, closedAt: undefined },
      isClientAbort: false,
    };
    state.exchanges.push(exchange);
    let isCut = false;
    // 'close' fires when the answer is done or the socket dies; only the second, unless the fake cut it, is an abort.
    reply.once('close', () => {
      exchange.closedAt = context.now();
      exchange.isClientAbort = !reply.writableFinished && !isCut;
    });
    context.watchClientClose(request, reply);
    const requestId = createId('req');
    const answer = (result: CodexErrorAnswer, isRejection = true) => {
      exchange.status = result.status;
      if (isRejection) exchange.rejection = result.body;
      send(reply, { ...result, headers: { 'x-request-id': requestId, ...result.headers } });
    };

    const authorization = await authorize(request, state.rejections);
    if ('answer' in authorization) return answer(authorization.answer);
    const { claims } = authorization;
    exchange.accountId = claims.accountId;
    let body: unknown;
    try {
      body = JSON.parse(request.text());
    } catch {
      // FastAPI itself would answer 422 here; the backend's exact answer is unverified.
      return answer({ status: 400, headers: {}, body: { detail: 'Request body is not valid JSON' } });
    }
    const { unsupportedParameters = DEFAULT_UNSUPPORTED_PARAMETERS } = context.options;
    const validation = validateCodexResponsesRequest({ body, models, unsupportedParameters });
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
      'x-models-etag': listCodexModels({ models }).etag,
      ...buildCodexRateLimitHeaders({ rateLimits: state.rateLimits, now, planType }),
    };
    if (scenario.shouldOmitContentType === true) {
      reply.writeHead(200, { 'cache-control': 'no-cache', ...headers });
      reply.flushHeaders();
    }
    const { stall } = plan;
    const deltaDelayMs = scenario.deltaDelayMs ?? 0;
    const delayBefore = (event: { type: string }, index: number) => {
      if (stall?.beforeEvent === index) return stall.ms;
      return deltaDelayMs > 0 && event.type.endsWith('.delta') ? deltaDelayMs : undefined;
    };
    const { hasClientDisconnected } = await writeSse({
      reply,
      headers,
      events: plan.events.map((event, index) => {
        const delayMs = delayBefore(event, index);
        return { event: event.type, data: event, ...(delayMs == null ? {} : { delayMs }) };
      }),
      shouldEnd: !plan.shouldDisconnect,
    });
    if (hasClientDisconnected || !plan.shouldDisconnect) return;
    if (stall?.beforeEvent === plan.events.length) await wait({ ms: stall.ms });
    // Wait until the last frame is on the socket, or destroying it could swallow it.
    await handWritesToSocket(reply);
    isCut = true;
    context.markIntentionalClose(reply);
    // No terminating chunk: the client sees the body end early, as when the backend drops mid-stream.
    reply.socket?.destroy();
  });
}
