import {
  type UsageGroupBy,
  type UsageRequestList,
  type UsageSummary,
  usageRequestListSchema,
  usageSummarySchema,
} from '@pag/contracts';
import { type RequestLogFilters, toRequestLogSearch } from '../lib/usage-request-filters.ts';
import { requestApi } from './request-api.ts';

export type UsageSummaryQuery = { from: string; to: string; groupBy: UsageGroupBy; tz: string };

/** `GET /api/usage`: totals for the period and one row per group (days in the reader's time zone). */
export function getUsageSummary(query: UsageSummaryQuery, signal?: AbortSignal): Promise<UsageSummary> {
  const search = new URLSearchParams(query);
  return requestApi({ path: `/api/usage?${search}`, schema: usageSummarySchema, signal });
}

/** `GET /api/usage/requests`: one page of the request log, newest first. */
export function listUsageRequests(
  filters: RequestLogFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<UsageRequestList> {
  const search = toRequestLogSearch(filters, { cursor });
  return requestApi({ path: `/api/usage/requests?${search}`, schema: usageRequestListSchema, signal });
}

/** Where the browser downloads the whole filtered log as CSV (the session cookie goes along; same origin). */
export function usageRequestsCsvHref(filters: RequestLogFilters): string {
  return `/api/usage/requests?${toRequestLogSearch(filters, { format: 'csv' })}`;
}

/** `GET /api/usage/quota`: the subscription's windows now and their history. */
