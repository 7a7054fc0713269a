import type { CallerPolicy, ProviderName, RoutingRules } from '@pag/contracts';

/** One model the user can reach, as the merged catalogue lists it. */
export type CatalogueEntry = {
  provider: ProviderName;
  upstreamId: string;
  displayName: string;
  reasoningEfforts: readonly string[];
  /** What the model takes as input (`text`, `image`), when its provider lists it; absent: not known. */
  inputModalities?: readonly string[];
};

/** What the router knows about the user's upstreams for this request. */
export type ProviderAvailability = {
  chatgpt: { state: 'connected' | 'reconnect_required' } | null;
  openai: { baseUrl: string } | null;
  /** A saved API key wins over a connected Google account (no refresh to go wrong, and its own quota). */
  gemini: { kind: 'api-key' } | { kind: 'oauth' } | null;
  /** A saved Anthropic API key (paid per token: never a subscription). */
  anthropic: { kind: 'api-key' } | null;
};

/** One attempt: which provider, which upstream model, and whether it is a fallback. */
export type RouteStep = {
  provider: ProviderName;
  upstreamModel: string;
  isFallback: boolean;
  /** Why the router chose or kept this step when a routing rule was involved (a threshold applied or ignored). */
  note?: string;
};

export type RouteSettings = {
  fallbackToApiKeys: boolean;
  fallbackModel: string | null;
  /** The API-key providers the user allows as fallbacks, in order; all of them when omitted. */
  fallbackProviders?: readonly ProviderName[];
};

/** Order in which providers are preferred when a request names no model: the subscription first. */
export const PROVIDER_PREFERENCE: readonly ProviderName[] = ['chatgpt', 'openai', 'gemini', 'anthropic'];
/** API-key providers a subscription may fall back to, in order. */
export const FALLBACK_PROVIDERS: readonly ProviderName[] = ['openai', 'gemini', 'anthropic'];
/**
 * Providers a "subscription only" caller may reach: the flat-rate subscription. Gemini is not one of them even over a
 * Google account: its requests are billed to the Google Cloud project of the user's OAuth client.
 */
export const SUBSCRIPTION_PROVIDERS: readonly ProviderName[] = ['chatgpt'];

/**
 * What a route is planned for: the user, the model the client named (null: none), the feature's model standing in
 * for the user's default, and the calling key's or app's policy (`UNRESTRICTED_POLICY` for a session).
 */
export type RouteRequest = {
  userId: string;
  requestedModel: string | null;
  defaultModel?: string | null | undefined;
  policy: CallerPolicy;
  /** The feature's routing rules (issue 19); the caller's come with its policy. */
  featureRules?: RoutingRules | null | undefined;
};

/** How full the subscription's windows are (0–100, null: unknown), as the router's threshold rules read them. */
export type QuotaLevels = { fiveHourUsedPercent: number | null; weeklyUsedPercent: number | null };

/** Where the gateway reads the quota levels of a user before routing (null: unknown). */
export type QuotaSource = (userId: string) => Promise<QuotaLevels | null>;
