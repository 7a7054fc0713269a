import { countMessageTokens } from '../../domain/anthropic-compat/count-message-tokens.ts';
import { countTokensRequestSchema } from '../../domain/anthropic-compat/messages-request.ts';
import { callerPolicyOf } from '../caller-policy-of.ts';
import { requireAuth } from '../require-auth.ts';
import type { RouteServices } from '../route-services.ts';
import { logV1Access, setOverheadHeader } from './log-v1-access.ts';
import { V1_BODY_LIMIT_BYTES, type V1App } from './v1-app.ts';

/** `POST /v1/messages/count_tokens`: Anthropic's token count, an estimate on the user's route (no upstream call). */
export function registerCountTokensRoute(app: V1App, services: RouteServices): void {
  app.post(
    '/messages/count_tokens',
    {
      bodyLimit: V1_BODY_LIMIT_BYTES,
      schema: { body: countTokensRequestSchema },
      config: { access: 'api-key' },
    },
    async (request, reply) => {
      const auth = requireAuth(request);
      const count = await countMessageTokens(services.gateway, {
        userId: auth.user.id,
        policy: callerPolicyOf(auth),
        request: request.body,
        context: services.context,
      });
      const overheadMs = setOverheadHeader(reply, 0);
      logV1Access(request, reply, { status: 200, overheadMs });
      return count;
    },
  );
}
