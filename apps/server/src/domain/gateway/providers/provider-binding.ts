import type { ProviderName } from '@pag/contracts';
import type { EmbeddingModelV3, LanguageModelV3, SharedV3ProviderOptions } from '@pag/providers';
import type { ApiKeyValidator } from '../../credentials/save-api-credential.ts';
import type { ApiCredentialRow } from '../../credentials/to-api-credential-dto.ts';
import type { CatalogueEntry, ProviderAvailability } from '../route-plan.ts';

/** Where a request's upstream events (retries) are logged: the request's own logger, so they sit by its access line. */
export type UpstreamLog = { warn: (object: object, message: string) => void };

/**
 * What one request reads about its user, shared by every binding so the database is asked once per table: the
 * saved API keys are one query for all key-based providers (the first binding to ask starts it, the others await it).
 */
export type UserRecords = { readonly userId: string; apiCredentials(): Promise<readonly ApiCredentialRow[]> };

/** A model the catalogue cache should hold for a binding: its cache key, how to list it, what to use on failure. */
export type CatalogueSource = {
  /** Starts with `${userId}:` and changes whenever the credential does, so a new key is never answered by an old list. */
  key: string;
  load: () => Promise<CatalogueEntry[]>;
  fallback: (error: unknown) => CatalogueEntry[];
};

/**
 * One provider, everything the gateway needs of it: whether the user has it, its models, a chat model for one
 * request, how reasoning is asked for, embeddings, and how a key is checked. The gateway iterates the registry's
 * bindings and never names a provider; adding a provider is one binding (and its adapter in packages/providers).
 *
 * `U` is what `load` reads for a user (a connection row, a key row…); the gateway holds it opaque and hands it back.
 */
export type ProviderBinding<U = unknown> = {
  readonly name: ProviderName;
  /**
   * What the user has set up for this provider, current for every request (read through the request cache, which
   * drops it when it changes: docs/request-cache.md); null when nothing is. Never a token that refreshes on its own.
   */
  load(records: UserRecords): Promise<U | null>;
  /** What the router needs to know of it (see `ProviderAvailability`). */
  availability(upstream: U): NonNullable<ProviderAvailability[ProviderName]>;
  /** Where its model list comes from for this user; null when it has none to offer. */
  catalogue(userId: string, upstream: U): CatalogueSource | null;
  /**
   * A chat model for one request (the conversation id keeps prompt caching per conversation; derived from the prompt
   * when first asked for, so a binding that sends none does not pay for it).
   */
  createChatModel(options: {
    userId: string;
    upstream: U;
    modelId: string;
    conversationId: () => string;
    log: UpstreamLog | undefined;
  }): LanguageModelV3;
  /** A reasoning effort in the provider's own option namespace. */
  reasoningOptions(effort: string): SharedV3ProviderOptions;
  /** Absent when the provider makes no embeddings (the subscription). */
  embeddings?: {
    /** The model used when a request names none (`POST /api/ai/embed` without `model`). */
    readonly defaultModel: string;
    createModel(options: { userId: string; upstream: U; modelId: string }): EmbeddingModelV3;
    dimensionsOptions(dimensions: number): SharedV3ProviderOptions;
  };
  /** Proves a pasted key works before it is saved; absent for providers that take no key. */
  validateKey?: ApiKeyValidator;
  /** Drops what the binding keeps for a user whose keys or connections changed. */
  forgetUser?(userId: string): void;
  /** How the provider is named to users in messages ("the ChatGPT subscription"). */
  readonly label: string;
};

/**
 * The upstream a binding loaded for this user, typed as that binding's own `U`: the route holds every binding's
 * upstream in one map, and only `binding.load` ever put an entry under `binding.name`.
 */
export function upstreamFor<U>(
  upstreams: ReadonlyMap<ProviderName, unknown>,
  binding: ProviderBinding<U>,
): U | undefined {
  return upstreams.get(binding.name) as U | undefined;
}
