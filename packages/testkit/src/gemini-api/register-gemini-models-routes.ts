import type { FakeGeminiApiContext } from './fake-gemini-api-context.ts';
import { toGeminiModelObject } from './fake-gemini-model.ts';
import { GoogleRequestRejectedError, rejectInvalidPayload, sendGoogleJson } from './google-api-error.ts';
import { onGeminiRoute } from './on-gemini-route.ts';
import { sendGeminiNoRoute } from './send-gemini-no-route.ts';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** `GET /v1beta/models` (paginated with `pageSize`/`pageToken`) and `GET /v1beta/models/{model}`. */
export function registerGeminiModelsRoutes(context: FakeGeminiApiContext): void {
  onGeminiRoute({
    context,
    method: 'GET',
    path: '/v1beta/models',
    handler: ({ request, reply }) => {
      const query = request.url.searchParams;
      const sizeText = query.get('pageSize') ?? query.get('page_size');
      if (sizeText != null && !/^-?\d+$/.test(sizeText)) {
        throw rejectInvalidPayload({
          message: `Invalid value at 'page_size' (TYPE_INT32), "${sizeText}"`,
          field: 'page_size',
        });
      }
      const requested = sizeText == null ? 0 : Number(sizeText);
      if (requested < 0) {
        throw new GoogleRequestRejectedError({ code: 400, message: 'page_size must not be negative.' });
      }
      // Zero means the default; anything above the maximum is clamped, as the API documents.
      const pageSize = requested === 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
      const token = query.get('pageToken') ?? query.get('page_token') ?? '';
      const offset = token === '' ? 0 : decodePageToken(token);
      if (offset == null || offset > context.models.length) {
        throw new GoogleRequestRejectedError({ code: 400, message: 'Invalid page token.' });
      }
      const page = context.models.slice(offset, offset + pageSize);
      const next = offset + pageSize;
      sendGoogleJson({
        reply,
        body: {
          models: page.map(toGeminiModelObject),
          ...(next < context.models.length ? { nextPageToken: encodePageToken(next) } : {}),
        },
      });
    },
  });
  onGeminiRoute({
    context,
    method: 'GET',
    path: '/v1beta/models/:model',
    handler: ({ request, reply }) => {
      const id = request.params.model ?? '';
      if (id.includes(':')) {
        sendGeminiNoRoute({ request, reply });
        return;
      }
      const model = context.models.find((candidate) => candidate.id === id);
      if (model == null) {
        throw new GoogleRequestRejectedError({
          code: 404,
          message: `models/${id} is not found for API version v1beta.`,
        });
      }
      sendGoogleJson({ reply, body: toGeminiModelObject(model) });
    },
  });
}

function encodePageToken(offset: number): string {
  return Buffer.from(`fake-models:${offset}`).toString('base64url');
}

function decodePageToken(token: string): number | undefined {
  const match = /^fake-models:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match?.[1] == null ? undefined : Number(match[1]);
}
