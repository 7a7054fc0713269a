import type { RequestLogFilters } from '../lib/usage-request-filters.ts';
import type { UsageSummaryQuery } from './usage.ts';

/** TanStack Query keys in one place, so invalidation after a write cannot miss a spelling. */
export const queryKeys = {
  session: ['session'] as const,
  apiKeys: ['api-keys'] as const,
  connections: ['connections'] as const,
  signInOptions: ['sign-in-options'] as const,
  gettingStarted: ['getting-started'] as const,
  providerCredentials: ['provider-credentials'] as const,
  userSettings: ['user-settings'] as const,
  models: ['models'] as const,
  features: ['features'] as const,
  google: ['google-connection'] as const,
  connectedApps: ['connected-apps'] as const,
  authorizationRequest: ['authorization-request'] as const,
  adminUsers: ['admin-users'] as const,
  operatorSettings: ['operator-settings'] as const,
  customPrices: ['custom-prices'] as const,
  modelAliases: ['model-aliases'] as const,
  usage: ['usage'] as const,
  usageSummary: (query: UsageSummaryQuery) => ['usage', 'summary', query] as const,
  usageRequests: (filters: RequestLogFilters, cursor: string | null) => ['usage', 'requests', filters, cursor] as const,
  usageQuota: ['usage', 'quota'] as const,
};
