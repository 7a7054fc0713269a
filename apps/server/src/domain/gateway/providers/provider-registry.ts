import type { ChatgptTokenManager } from '../../connections/chatgpt-token-manager.ts';
import type { ConnectionsContext } from '../../connections/connections-context.ts';
import type { ApiKeyValidator } from '../../credentials/save-api-credential.ts';
import { describeUpstreamError } from '../../describe-upstream-error.ts';
import { GatewayError } from '../../gateway-error.ts';
import type { GoogleTokenManager } from '../../google/google-token-manager.ts';
import type { OutboundPolicy } from '../../outbound/outbound-policy.ts';
import { type AnthropicBinding, createAnthropicBinding } from './anthropic-binding.ts';
import { type ChatgptBinding, type ChatgptBindingSettings, createChatgptBinding } from './chatgpt-binding.ts';
import { createGeminiBinding } from './gemini-binding.ts';
import { createOpenAiCompatibleBinding, type OpenAiCompatibleBinding } from './openai-compatible-binding.ts';
import type { ProviderBinding, UpstreamLog } from './provider-binding.ts';

/**
 * Every provider the gateway can route to. `all` is what the gateway iterates (it names no provider); the named
 * bindings are for the front doors that speak one upstream's protocol as it is (the `/v1` relays).
 */
export type ProviderRegistry = {
  readonly chatgpt: ChatgptBinding;
  readonly openai: OpenAiCompatibleBinding;
  readonly anthropic: AnthropicBinding;
  readonly all: readonly ProviderBinding[];
  find(name: string): ProviderBinding | undefined;
  /** Proves a key works with a cheap upstream call (listing models) before it is saved, by its provider's binding. */
  readonly validateApiKey: ApiKeyValidator;
};

export function createProviderRegistry(options: {
  context: ConnectionsContext;
  chatgptTokens: ChatgptTokenManager;
  googleTokens: GoogleTokenManager;
  chatgpt: ChatgptBindingSettings;
  geminiApiUrl: string;
  anthropicApiUrl: string;
  /** The gateway's upstream fetch (with its timeouts) for the upstreams named by config, or a test's. */
  fetch?: typeof fetch | undefined;
  /**
   * Guards the upstreams users name themselves (the OpenAI-compatible base URL): its own pool, with the same
   * timeouts, carries them; `userUpstreamFetch` replaces it only in tests.
   */
  outbound: OutboundPolicy;
  userUpstreamFetch?: typeof fetch | undefined;
  log: UpstreamLog;
}): ProviderRegistry {
  const { context, fetch, log } = options;
  // One set of timeouts for every binding: the gateway's upstream fetch, or the outbound policy's pool for the
  // upstreams users name (or a test's fetch).
  const chatgpt = createChatgptBinding({
    context,
    tokens: options.chatgptTokens,
    settings: { ...options.chatgpt, fetch },
    log,
  });
  const openai = createOpenAiCompatibleBinding({
    context,
    fetch: options.userUpstreamFetch,
    outbound: options.outbound,
    log,
  });
  const gemini = createGeminiBinding({
    context,
    googleTokens: options.googleTokens,
    apiUrl: options.geminiApiUrl,
    fetch,
    log,
  });
  const anthropic = createAnthropicBinding({ context, apiUrl: options.anthropicApiUrl, fetch, log });
  // The order is the router's preference when a request names no model: the subscription first.
  const all = [chatgpt, openai, gemini, anthropic] as readonly ProviderBinding[];
  const find = (name: string) => all.find((binding) => binding.name === name);
  const validateApiKey: ApiKeyValidator = async (credential) => {
    const binding = find(credential.provider);
    if (binding?.validateKey == null) {
      throw new GatewayError('invalid_request', `The ${binding?.label ?? credential.provider} takes no API key.`);
    }
    try {
      await binding.validateKey(credential);
    } catch (error) {
      const described = describeUpstreamError(error);
      // The outbound policy's refusal is the answer as it is: it names the rule and how an admin can allow it.
      if (described?.code === 'upstream_address_refused') {
        throw new GatewayError(described.code, described.message, { cause: error });
      }
      const where = credential.baseUrl ?? `the ${binding.label}`;
      const reason = described?.message ?? (error as Error).message;
      throw new GatewayError('invalid_upstream_key', `The key did not work with ${where}: ${reason}`, { cause: error });
    }
  };
  return { chatgpt, openai, anthropic, all, find, validateApiKey };
}
