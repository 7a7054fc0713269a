import { sendJson } from '../send-json.ts';
import { authorizeCodexRequest } from './authorize-codex-request.ts';
import { CODEX_MODELS_PATH } from './codex-backend-constants.ts';
import type { FakeCodexBackendContext } from './fake-codex-backend-context.ts';
import { listCodexModels } from './list-codex-models.ts';

/**
 * `GET /backend-api/codex/models?client_version=…` (docs/codex-protocol.md §5.6): the catalogue with an `ETag`, and 304
 * when `If-None-Match` already names it.
 */
export function registerCodexModelsRoute(context: FakeCodexBackendContext): void {
  context.router.on('GET', CODEX_MODELS_PATH, async (request, reply) => {
    const requestId = context.createId('req');
    // Scripted token rejections are for model calls, so the catalogue never consumes one.
    const authorization = await authorizeCodexRequest({
      headers: request.headers,
      verifyAccessToken: context.verifyAccessToken,
      rejections: [],
    });
    if (!authorization.ok) {
      const { answer } = authorization;
      sendJson({ reply, status: answer.status, headers: { 'x-request-id': requestId }, body: answer.body });
      return;
    }
    // A client that names no version is treated as the oldest: the real catalogue gates models by the version the
    // client sends (docs/codex-protocol.md §5.6); what it does without one is unverified, so the fake is strict.
    const clientVersion = request.url.searchParams.get('client_version') ?? '0.0.0';
    const { body, etag } = listCodexModels({
      models: context.state.servesEmptyCatalogue ? [] : context.state.models,
      clientVersion,
    });
    if (request.headers['if-none-match'] === etag) {
      reply.writeHead(304, { etag, 'x-request-id': requestId });
      reply.end();
      return;
    }
    sendJson({ reply, headers: { etag, 'x-request-id': requestId }, body });
  });
}
