import { z } from 'zod';

/** How `/api/usage` groups the ledger. `day` is a calendar day in the query's `tz`. */
export const usageGroupBySchema = z.enum(['day', 'provider', 'model', 'key', 'app', 'feature', 'route']);
export type UsageGroupBy = z.infer<typeof usageGroupBySchema>;

const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-12-01T00:00:00Z' });

/** An IANA time zone name the server knows (`Europe/Berlin`); days are cut at its midnight. */
export const timeZoneSchema = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone name, e.g. Europe/Berlin' },
);

/** `GET /api/usage` query. Defaults: the last 30 days, grouped by day, in UTC. */
export const usageQuerySchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  groupBy: usageGroupBySchema.default('day'),
  tz: timeZoneSchema.default('UTC'),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export const usageTotalsSchema = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  inputTokens: z.number().int(),
  cachedInputTokens: z.number().int(),
  outputTokens: z.number().int(),
  reasoningTokens: z.number().int(),
  /** API-price equivalent of every priced row (docs/api-prices.md). */
  apiPriceUsd: z.number(),
  /** API-price equivalent of the rows a subscription answered: what it saved. */
  savedUsd: z.number(),
  /** API-price equivalent of the rows an API key answered: real spend. */
  spentUsd: z.number(),
});
export type UsageTotals = z.infer<typeof usageTotalsSchema>;

export const usageGroupSchema = usageTotalsSchema.extend({
  /** The group's value (`2026-12-01`, `chatgpt`, a key id…); `""` for rows without one (no key, no feature). */
  key: z.string(),
  /** What to show for it: a key's or app's name when known, else the key itself. */
  label: z.string(),
});
export type UsageGroup = z.infer<typeof usageGroupSchema>;

/** `GET /api/usage` (session, or a key/app: own usage only). */
export const usageSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: usageGroupBySchema,
  totals: usageTotalsSchema,
  groups: z.array(usageGroupSchema),
});
export type UsageSummary = z.infer<typeof usageSummarySchema>;

/** `GET /api/usage/requests` query; `format=csv` answers every matching row as a CSV attachment. */
export const usageRequestsQuerySchema = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  keyId: z.string().min(1).optional(),
  appClientId: z.string().min(1).optional(),
  status: z.enum(['ok', 'error']).optional(),
  errorCode: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().min(1).optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type UsageRequestsQuery = z.infer<typeof usageRequestsQuerySchema>;

/** One ledger row (metadata only: never prompt or answer content). */
export const usageRequestRowSchema = z.object({
  id: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  callerKind: z.string(),
  apiKeyId: z.string().nullable(),
  keyName: z.string().nullable(),
  appClientId: z.string().nullable(),
  appName: z.string().nullable(),
  route: z.string(),
  feature: z.string().nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  inputTokens: z.number().int().nullable(),
  cachedInputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  reasoningTokens: z.number().int().nullable(),
  firstTokenMs: z.number().int().nullable(),
  durationMs: z.number().int(),
  status: z.number().int(),
  errorCode: z.string().nullable(),
  fallbackFrom: z.string().nullable(),
  isSubscription: z.boolean(),
  apiPriceUsd: z.number().nullable(),
  priceVersion: z.string().nullable(),
});
export type UsageRequestRow = z.infer<typeof usageRequestRowSchema>;

export const usageRequestListSchema = z.object({
  requests: z.array(usageRequestRowSchema),
  nextCursor: z.string().nullable(),
});
export type UsageRequestList = z.infer<typeof usageRequestListSchema>;

const pricePerMillion = z.number().min(0).max(10_000);

/** A user's own price for a model on their OpenAI-compatible endpoint, USD per 1M tokens. */
export const customPriceSchema = z.object({
  model: z.string().trim().min(1).max(200),
  input: pricePerMillion,
  /** Null: cached input costs what input costs. */
  cachedInput: pricePerMillion.nullable(),
  output: pricePerMillion,
});
export type CustomPrice = z.infer<typeof customPriceSchema>;

/** `GET /api/usage/prices` and `PUT /api/usage/prices` (session + CSRF; the list is replaced whole). */
export const customPriceListSchema = z.object({
  prices: z.array(customPriceSchema).max(200),
});
export type CustomPriceList = z.infer<typeof customPriceListSchema>;
