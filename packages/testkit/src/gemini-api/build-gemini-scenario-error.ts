import type { FakeGeminiHttpErrorScenario } from './fake-gemini-scenario.ts';
import type { GoogleApiErrorBody } from './google-api-error.ts';
import { buildGoogleApiError } from './google-api-error.ts';

const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, ' +
  'head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. ';
const REQUESTS_METRIC = 'generativelanguage.googleapis.com/generate_content_free_tier_requests';

/** The error the fake writes into a stream that fails part-way, unless the scenario names another. */
export const DEFAULT_GEMINI_STREAM_ERROR: GoogleApiErrorBody = buildGoogleApiError({
  code: 503,
  message: 'The model is overloaded. Please try again later.',
});

/**
 * Bodies for `http-error` scenarios. The 429s follow docs/google-protocol.md §5.3: a per-minute limit (QuotaFailure
 * `…PerMinute…FreeTier`, RetryInfo "2s"), a daily quota (`…PerDay…`), and a model with no free tier (`limit: 0`).
 */
export function buildGeminiScenarioError(options: {
  scenario: FakeGeminiHttpErrorScenario;
  model: string;
}): GoogleApiErrorBody {
  const { scenario, model } = options;
  if (scenario.body != null) return scenario.body;
  switch (scenario.status) {
    case 429:
      return buildQuotaError({ quota: scenario.quota ?? 'per-minute', model });
    case 500:
      return buildGoogleApiError({
        code: 500,
        message:
          'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      });
    case 503:
      return DEFAULT_GEMINI_STREAM_ERROR;
    default:
      return buildGoogleApiError({ code: scenario.status, message: `Scripted error with status ${scenario.status}.` });
  }
}

function buildQuotaError(options: {
  quota: 'per-minute' | 'per-day' | 'no-free-tier';
  model: string;
}): GoogleApiErrorBody {
  const { quota, model } = options;
  const violation = (quotaId: string, quotaValue: string) => ({
    quotaMetric: REQUESTS_METRIC,
    quotaId,
    quotaDimensions: { location: 'global', model },
    quotaValue,
  });
  const violations =
    quota === 'per-minute'
      ? [violation('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', '10')]
      : quota === 'per-day'
        ? [violation('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '250')]
        : [
            violation('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '0'),
            violation('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', '0'),
          ];
  const limit = violations[0]?.quotaValue ?? '0';
  const retryDelay = quota === 'per-minute' ? '2s' : quota === 'per-day' ? '43200s' : '5s';
  const retryIn = quota === 'per-minute' ? '2.0s' : quota === 'per-day' ? '43200.0s' : '5.237548564s';
  return buildGoogleApiError({
    code: 429,
    message: `${QUOTA_MESSAGE}\n* Quota exceeded for metric: ${REQUESTS_METRIC}, limit: ${limit}, model: ${model}\nPlease retry in ${retryIn}.`,
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [
          {
            description: 'Learn more about Gemini API quotas',
            url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
    ],
  });
}
