import type { AiRequest, CallerPolicy, ModelEntry, ProviderName } from '@pag/contracts';
import type { LanguageModelV3CallOptions } from '@pag/providers';
import { listApiCredentialRows } from '../credentials/list-api-credentials.ts';
import { describeUpstreamError, isFallbackWorthy } from '../describe-upstream-error.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { getUserSettings } from '../settings/get-user-settings.ts';
import { withUpstreamWait } from '../upstream-wait.ts';
import { countStreamTokens, observeFailedStep, type WithMetrics } from './count-stream-tokens.ts';
import { lazyConversationId } from './derive-conversation-id.ts';
import { withFailedStep } from './failed-step.ts';
import { keepImageSteps } from './keep-image-steps.ts';
import { ModelCatalogueCache } from './model-catalogue.ts';
import { peekFirstOutput } from './peek-first-output.ts';
import { policyAllowsModel, policyAllowsProvider } from './policy-allows-model.ts';
import { type NoteCall, prepareNoteCall } from './prepare-note-call.ts';
import type { ProviderBinding, UpstreamLog, UserRecords } from './providers/provider-binding.ts';
import type { ProviderRegistry } from './providers/provider-registry.ts';
import { resolveRoutePlan } from './resolve-route-plan.ts';
import type { CatalogueEntry, ProviderAvailability, QuotaSource, RouteRequest, RouteStep } from './route-plan.ts';
import type { StartedChat } from './started-chat.ts';
import { withReasoningOptions } from './with-reasoning-options.ts';

export type { UpstreamLog } from './providers/provider-binding.ts';
export type { StartedChat } from './started-chat.ts';

/** What each provider's binding read for this user (`load`), by provider; absent when not set up. */
export type UserUpstreams = ReadonlyMap<ProviderName, unknown>;

/** A request's planned route: the user's upstreams, the ordered attempts, the catalogue, planning's upstream time. */
export type PlannedRoute = { upstreams: UserUpstreams; plan: RouteStep[]; catalogue: CatalogueEntry[] } & Waited;
type Waited = { upstreamWaitMs: number };
type Options = {
  context: DomainContext;
  registry: ProviderRegistry;
  log: UpstreamLog;
  quotaLevels?: QuotaSource;
} & WithMetrics;

/**
 * Where a note-app (or OpenAI-compatible) request becomes an answer: read the user's settings and upstreams, plan the
 * route (pure, per request), then run it — falling over to the next step only while nothing reached the client. Every
 * provider is reached through its binding in the registry (this class names none); it holds app-lifetime things only.
 */
export class AiGateway {
  readonly #context: DomainContext;
  readonly #registry: ProviderRegistry;
  readonly #catalogues: ModelCatalogueCache;
  readonly #log: UpstreamLog;
  readonly #metrics: WithMetrics['metrics'];
  readonly #quotaLevels: QuotaSource; // the subscription's quota, asked only when a routing rule has a threshold

  constructor(options: Options) {
    this.#context = options.context;
    this.#registry = options.registry;
    this.#catalogues = new ModelCatalogueCache({ now: options.context.now });
    this.#log = options.log;
    this.#metrics = options.metrics;
    this.#quotaLevels = options.quotaLevels ?? (async () => null);
  }

  /** The bindings, for front doors that relay one upstream's own protocol (`/v1`). */
  get providers(): ProviderRegistry {
    return this.#registry;
  }

  /** Starts a note-app answer (with its output validator). Throws (before any byte) when no step could start. */
  async startChat(options: {
    userId: string;
    request: AiRequest;
    policy: CallerPolicy;
    abortSignal: AbortSignal;
    log?: UpstreamLog | undefined;
  }): Promise<StartedChat & Pick<NoteCall, 'outputValidator'>> {
    const { userId, policy } = options;
    const note = await prepareNoteCall(this.#context, userId, options.request);
    const { requestedModel, defaultModel, call, reasoningEffort } = note;
    const route = await this.planRoute({ userId, requestedModel, defaultModel, policy, featureRules: note.routing });
    if (note.hasImages) route.plan = keepImageSteps(route.plan, route.catalogue);
    const started = this.startModelStream({
      ...{ userId, requestedModel, defaultModel, policy, call, reasoningEffort, route },
      clientConversationId: options.request.conversationId,
      abortSignal: options.abortSignal,
      log: options.log,
    });
    return { ...(await started), outputValidator: note.outputValidator };
  }

  /**
   * Starts any answer (note-app or OpenAI-compatible): plans the route for this user and request, then tries each
   * step until one produced its first output part. `requestedModel` null means the user's default model.
   */
  async startModelStream(
    options: RouteRequest & {
      call: Omit<LanguageModelV3CallOptions, 'abortSignal'>;
      reasoningEffort?: string | undefined;
      clientConversationId?: string | undefined;
      abortSignal: AbortSignal;
      /** A route already planned for this request (a relay that could not relay hands it back), not planned twice. */
      route?: PlannedRoute | undefined;
      log?: UpstreamLog | undefined;
    },
  ): Promise<StartedChat> {
    const { userId } = options;
    const { upstreams, plan, ...route } = options.route ?? (await this.planRoute(options));
    // Time spent waiting on upstreams (model lists, token refresh, the first output), to report the gateway's own.
    let upstreamWaitMs = route.upstreamWaitMs;
    const conversationId = lazyConversationId({
      userId,
      prompt: options.call.prompt,
      clientConversationId: options.clientConversationId,
    });
    let lastError: unknown;
    for (const [index, step] of plan.entries()) {
      const stepStartedAt = performance.now();
      try {
        const binding = this.binding(step.provider);
        const model = binding.createChatModel({
          userId,
          upstream: this.#upstreamOf(upstreams, binding),
          modelId: step.upstreamModel,
          conversationId,
          log: options.log,
        });
        const { stream } = await model.doStream({
          ...options.call,
          abortSignal: options.abortSignal,
          ...withReasoningOptions(options.call.providerOptions, binding, options.reasoningEffort),
        });
        const { parts, warnings } = await peekFirstOutput(stream, countStreamTokens(step.provider, this.#metrics));
        upstreamWaitMs += performance.now() - stepStartedAt;
        return {
          upstreamWaitMs,
          provider: step.provider,
          model: `${step.provider}/${step.upstreamModel}`,
          isFallback: step.isFallback,
          fallbackFrom: index > 0 ? `${plan[index - 1]?.provider}/${plan[index - 1]?.upstreamModel}` : null,
          parts,
          warnings,
        };
      } catch (error) {
        upstreamWaitMs += performance.now() - stepStartedAt;
        lastError = withFailedStep(withUpstreamWait(error, upstreamWaitMs), step);
        if (options.abortSignal.aborted) throw lastError;
        observeFailedStep(this.#metrics, step.provider, error);
        if (index === plan.length - 1 || !isFallbackWorthy(error)) throw lastError;
        this.#log.warn(
          { provider: step.provider, next: plan[index + 1]?.provider, reason: describeUpstreamError(error)?.code },
          'falling back to the next provider before the first byte',
        );
      }
    }
    throw lastError;
  }

  /**
   * Plans a request's route from the user's settings, upstreams and (cached) catalogue: the one planning step of
   * every front door. `requestedModel` null means the user's default model.
   */
  async planRoute({ userId, requestedModel, defaultModel, policy, featureRules }: RouteRequest): Promise<PlannedRoute> {
    const settings = await getUserSettings(this.#context, userId);
    const upstreams = await this.loadUpstreams(userId);
    const catalogueStartedAt = performance.now();
    const catalogue = await this.#catalogue(userId, upstreams, policy).catch((error: unknown) => {
      throw withUpstreamWait(error, performance.now() - catalogueStartedAt);
    });
    const rules = [policy.routing, featureRules].filter((rule) => rule != null); // the caller's first (docs/usage.md)
    const quota = rules.some((rule) => rule.thresholds.length > 0) ? await this.#quotaLevels(userId) : null;
    const upstreamWaitMs = performance.now() - catalogueStartedAt;
    const availability: Record<string, unknown> = {};
    for (const binding of this.#registry.all) {
      availability[binding.name] = upstreams.has(binding.name)
        ? binding.availability(upstreams.get(binding.name))
        : null;
    }
    const plan = resolveRoutePlan({
      requestedModel,
      defaultModel: defaultModel ?? settings.defaultModel ?? null,
      ...{ policy, catalogue, quota, rules },
      availability: availability as ProviderAvailability,
      settings: {
        fallbackToApiKeys: settings.fallbackToApiKeys,
        fallbackModel: settings.fallbackModel,
        fallbackProviders: settings.fallbackProviders,
      },
    });
    return { upstreams, plan, catalogue, upstreamWaitMs };
  }

  /** The user's merged catalogue (subscription first) as far as the caller's policy allows, for the model lists. */
  async listModels(userId: string, policy: CallerPolicy): Promise<ModelEntry[]> {
    const entries = await this.#catalogue(userId, await this.loadUpstreams(userId), policy);
    const allowed = entries.filter((entry) => policyAllowsModel(policy, entry.provider, entry.upstreamId));
    return allowed.map(({ provider, upstreamId, displayName, reasoningEfforts }) => ({
      ...{ id: `${provider}/${upstreamId}`, provider, upstreamId, displayName },
      reasoningEfforts: [...reasoningEfforts],
    }));
  }

  /** Forgets what is cached for a user whose keys or connections changed. */
  forgetUser(userId: string): void {
    this.#catalogues.forget(`${userId}:`);
    for (const binding of this.#registry.all) binding.forgetUser?.(userId);
  }

  /** What each binding reads for the user, with the saved keys read once for all of them. */
  async loadUpstreams(userId: string): Promise<UserUpstreams> {
    let credentials: ReturnType<typeof listApiCredentialRows> | undefined;
    const records: UserRecords = {
      userId,
      apiCredentials: () => {
        credentials ??= listApiCredentialRows(this.#context, userId);
        return credentials;
      },
    };
    // The bindings read at once; the map keeps the registry's order, which the catalogue and the router follow.
    const loaded = await Promise.all(this.#registry.all.map((binding) => binding.load(records)));
    const upstreams = new Map<ProviderName, unknown>();
    for (const [index, binding] of this.#registry.all.entries()) {
      if (loaded[index] != null) upstreams.set(binding.name, loaded[index]);
    }
    return upstreams;
  }

  /** The catalogues of the providers the caller may use (no other is asked); one list as it is, not copied. */
  async #catalogue(userId: string, upstreams: UserUpstreams, policy: CallerPolicy): Promise<CatalogueEntry[]> {
    const lists: Promise<CatalogueEntry[]>[] = [];
    for (const binding of this.#registry.all) {
      if (!upstreams.has(binding.name) || !policyAllowsProvider(policy, binding.name)) continue;
      const source = binding.catalogue(userId, upstreams.get(binding.name));
      if (source != null) lists.push(this.#catalogues.get({ ...source, provider: binding.name }));
    }
    return lists.length === 1 ? (lists[0] as Promise<CatalogueEntry[]>) : (await Promise.all(lists)).flat();
  }

  /** The binding of a provider named in a route or a request. */
  binding(name: ProviderName): ProviderBinding {
    const binding = this.#registry.find(name);
    if (binding == null) throw new GatewayError('no_provider', `Unknown provider "${name}".`);
    return binding;
  }

  #upstreamOf(upstreams: UserUpstreams, binding: ProviderBinding): unknown {
    if (!upstreams.has(binding.name)) {
      throw new GatewayError('no_provider', `The ${binding.label} is not set up for this user.`);
    }
    return upstreams.get(binding.name);
  }
}
