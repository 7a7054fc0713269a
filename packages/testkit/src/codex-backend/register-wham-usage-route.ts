import { sendJson } from '../send-json.ts';
import { authorizeCodexRequest } from './authorize-codex-request.ts';
import { WHAM_USAGE_PATH } from './codex-backend-constants.ts';
import type { FakeCodexBackendContext } from './fake-codex-backend-context.ts';

/**
 * `GET /backend-api/wham/usage` (docs/codex-protocol.md §7.4), built from the same values as the rate-limit headers so
 * the two never disagree. The shape comes from third-party clients; field order and extras are unverified.
 */
export function registerWhamUsageRoute(context: FakeCodexBackendContext): void {
  context.router.on('GET', WHAM_USAGE_PATH, async (request, reply) => {
    const authorization = await authorizeCodexRequest({
      headers: request.headers,
      verifyAccessToken: context.verifyAccessToken,
      rejections: [],
    });
    if (!authorization.ok) {
      sendJson({ reply, status: authorization.answer.status, body: authorization.answer.body });
      return;
    }
    const { claims } = authorization;
    const limits = context.state.rateLimits;
    const nowSeconds = Math.floor(context.now() / 1000);
    const window = (options: { usedPercent: number; minutes: number; resetAfterSeconds: number }) => ({
      used_percent: options.usedPercent,
      limit_window_seconds: options.minutes * 60,
      reset_after_seconds: options.resetAfterSeconds,
      reset_at: nowSeconds + options.resetAfterSeconds,
    });
    const isLimitReached = limits.primaryUsedPercent >= 100 || limits.secondaryUsedPercent >= 100;
    const rateLimit = {
      allowed: !isLimitReached,
      limit_reached: isLimitReached,
      primary_window: window({
        usedPercent: limits.primaryUsedPercent,
        minutes: limits.primaryWindowMinutes,
        resetAfterSeconds: limits.primaryResetAfterSeconds,
      }),
      secondary_window: window({
        usedPercent: limits.secondaryUsedPercent,
        minutes: limits.secondaryWindowMinutes,
        resetAfterSeconds: limits.secondaryResetAfterSeconds,
      }),
    };
    sendJson({
      reply,
      body: {
        user_id: claims.userId ?? null,
        account_id: claims.accountId,
        email: claims.email ?? null,
        plan_type: limits.planType ?? claims.planType ?? 'plus',
        rate_limit: rateLimit,
        code_review_rate_limit: null,
        credits: {
          has_credits: limits.creditsHasCredits,
          unlimited: limits.creditsUnlimited,
          balance: limits.creditsBalance,
        },
      },
    });
  });
}
