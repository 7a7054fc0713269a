import type { FastifyInstance } from 'fastify';
import { OPENAPI_DOCUMENT_PATH } from '../../plugins/openapi-document.ts';

/**
 * `GET /api/openapi.json`: the OpenAPI 3.1 document of the public HTTP API, generated from the routes' zod schemas
 * by `plugins/openapi-document.ts`. Public: it holds no secret, and client generators fetch it without a key.
 */
export async function openApiRoutes(app: FastifyInstance) {
  // Built once, on the first request (the route table is complete by then), and served as the same bytes after.
  let documentJson: string | undefined;
  app.get(OPENAPI_DOCUMENT_PATH, { config: { access: 'public' } }, async (_request, reply) => {
    documentJson ??= JSON.stringify(await app.openApiDocument());
    return reply.type('application/json; charset=utf-8').send(documentJson);
  });
}
