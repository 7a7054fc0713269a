import { answerCountTokens } from './answer-count-tokens.ts';
import { answerBatchEmbedContents, answerEmbedContent } from './answer-embed-content.ts';
import { answerGenerateContent } from './answer-generate-content.ts';
import type { FakeGeminiApiContext } from './fake-gemini-api-context.ts';
import { onGeminiRoute } from './on-gemini-route.ts';
import { resolveGeminiModel } from './resolve-gemini-model.ts';
import { sendGeminiNoRoute } from './send-gemini-no-route.ts';

/** Which `supportedGenerationMethods` entry each served method needs. */
const REQUIRED_METHODS: Record<string, string> = {
  generateContent: 'generateContent',
  streamGenerateContent: 'generateContent',
  countTokens: 'countTokens',
  embedContent: 'embedContent',
  batchEmbedContents: 'embedContent',
};

/** `POST /v1beta/models/{model}:{method}` for generateContent, streamGenerateContent, countTokens and embeddings. */
export function registerGeminiModelActionRoutes(context: FakeGeminiApiContext): void {
  onGeminiRoute({
    context,
    method: 'POST',
    path: '/v1beta/models/:action',
    handler: async ({ request, reply }) => {
      const action = request.params.action ?? '';
      const colon = action.lastIndexOf(':');
      const method = action.slice(colon + 1);
      const requiredMethod = REQUIRED_METHODS[method];
      if (colon <= 0 || requiredMethod == null) {
        sendGeminiNoRoute({ request, reply });
        return;
      }
      const model = resolveGeminiModel({ models: context.models, id: action.slice(0, colon), method, requiredMethod });
      switch (method) {
        case 'generateContent':
        case 'streamGenerateContent':
          await answerGenerateContent({ context, request, reply, model, isStream: method === 'streamGenerateContent' });
          return;
        case 'countTokens':
          answerCountTokens({ request, reply, model });
          return;
        case 'embedContent':
          answerEmbedContent({ request, reply, model });
          return;
        default:
          answerBatchEmbedContents({ request, reply, model });
      }
    },
  });
}
