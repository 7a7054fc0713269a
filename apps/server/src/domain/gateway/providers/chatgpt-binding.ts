import {
  CODEX_PROVIDER_KEY,
  type CodexChatModelSettings,
  createCodexChatModel,
  isSameRateLimitSnapshot,
  listCodexModels,
  type RateLimitSnapshot,
  readCodexUsage,
} from '@pag/providers';
import { and, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../../db/prepared-query.ts';
import { connections } from '../../../db/schema.ts';
import type { ChatgptTokenManager } from '../../connections/chatgpt-token-manager.ts';
import type { ConnectionsContext } from '../../connections/connections-context.ts';
import { type ConnectionRef, findConnectionRef } from '../../connections/list-connection-refs.ts';
import { LruMap } from '../../lru-map.ts';
import type { ProviderBinding, UpstreamLog } from './provider-binding.ts';
import { toCatalogueEntries } from './to-catalogue-entries.ts';

export type ChatgptBindingSettings = {
  /** `GATEWAY_CHATGPT_BACKEND_URL`; model calls go to `{it}/codex/responses`, the list to `{it}/codex/models`. */
  backendUrl: string;
  /** How the gateway names itself (docs/codex-protocol.md §11): our own originator and user agent. */
  originator: string;
  userAgent: string;
  /** Sent as the catalogue's `client_version` (`GATEWAY_CODEX_CLIENT_VERSION`). */
  clientVersion: string;
  /** How long a client may wait for the answer to begin, retries included. */
  firstByteTimeoutMs: number;
  fetch?: typeof fetch | undefined;
  /** Told of every header snapshot the binding stored (the quota history, domain/quota). */
  onRateLimitsStored?: ((userId: string, snapshot: RateLimitSnapshot) => void) | undefined;
};

export type ChatgptBinding = ProviderBinding<ConnectionRef> & {
  /** How to reach the Codex backend for this user: their tokens (refreshed on demand), our honest identity. */
  codexSettings(options: {
    userId: string;
    connection: ConnectionRef;
    modelId: string;
    conversationId: string;
    log: UpstreamLog | undefined;
  }): CodexChatModelSettings;
  readonly backendUrl: string;
  /**
   * The plan's windows from the usage endpoint (docs/codex-protocol.md §7.4), with the user's token, through the
   * gateway's upstream fetch (its timeouts) and our identity; throws when it fails or its answer changed shape.
   */
  readUsage(userId: string, abortSignal: AbortSignal): Promise<RateLimitSnapshot>;
};

/**
 * Used when the Codex model list cannot be read or comes back empty; the live catalogue always wins. The visible
 * models of the catalogue bundled in the newest official client we verified against (0.169.0, docs/codex-protocol.md
 * §10), so that a request for a current model still reaches the backend, which has the final word.
 */
const FALLBACK_CATALOGUE = toCatalogueEntries(
  'chatgpt',
  [
    'gpt-6-astra',
    'gpt-6.1-sol',
    'gpt-6.1-terra',
    'gpt-6-sol',
    'gpt-6-luna',
    'gpt-5.6-sol',
    'gpt-5.6-terra',
    'gpt-5.6-luna',
    'gpt-daybreak-blue-latest',
    'gpt-daybreak-red-latest',
    'gpt-5.5',
  ].map((id) => ({ id })),
);

/** Rate-limit snapshots equal to the stored one are written again only this often (to refresh `rateLimitsAt`). */
const RATE_LIMITS_REWRITE_MS = 60_000;
/** Snapshots remembered (one per connection in use; a home gateway has a handful). */
const RATE_LIMITS_CACHE_SIZE = 64;

const updateRateLimits = preparedQuery('update_connection_rate_limits', (db) =>
  db
    .update(connections)
    // Raw driver values (the snapshot as JSON text, the time in ms), as the columns store them.
    .set({ rateLimits: sql`${sql.placeholder('rateLimits')}`, rateLimitsAt: sql`${sql.placeholder('rateLimitsAt')}` })
    .where(
      and(
        eq(connections.id, sql.placeholder('id')),
        // Two answers' writes may reach the database out of order (a pool of connections): the older never wins.
        sql`(${connections.rateLimitsAt} is null or ${connections.rateLimitsAt} <= ${sql.placeholder('rateLimitsAt')})`,
      ),
    ),
);

/**
 * The ChatGPT subscription through the Codex backend: the user's one connection, the account's live catalogue
 * (with the client version that makes current models visible), Codex chat models on refreshed tokens, and the
 * plan's rate-limit snapshots kept on the connection. No embeddings and no key to check.
 */
export function createChatgptBinding(options: {
  context: ConnectionsContext;
  tokens: ChatgptTokenManager;
  settings: ChatgptBindingSettings;
  log: UpstreamLog;
}): ChatgptBinding {
  const { context, tokens, settings, log } = options;
  const storedRateLimits = new LruMap<string, { userId: string; snapshot: RateLimitSnapshot; at: number }>(
    RATE_LIMITS_CACHE_SIZE,
  );

  /**
   * Keeps the subscription's latest reported limits on its connection, for the settings page and `usage`. Every
   * Codex answer reports them and they rarely change between two answers, so an unchanged snapshot is not written
   * again within a minute: that write was the largest single cost of a subscription request (issue 7 profile). The
   * snapshots are compared field by field, and turned into JSON only for a write: serialising each one to compare
   * it (its two dates through `toISOString`) cost 5 to 30 µs of every answer (issue 22 profile).
   */
  const storeRateLimits = async (connection: ConnectionRef, snapshot: RateLimitSnapshot) => {
    const now = context.now();
    // The connection's id alone (a primary key): the cached reference's own string, whose hash V8 keeps, where a
    // key built per answer was hashed anew each time.
    const key = connection.id;
    const last = storedRateLimits.get(key);
    if (last != null && isSameRateLimitSnapshot(last.snapshot, snapshot) && now - last.at < RATE_LIMITS_REWRITE_MS) {
      return;
    }
    // Remembered before the write, so the answers arriving while it runs do not write the same snapshot again.
    const remembered = { userId: connection.userId, snapshot, at: now };
    storedRateLimits.set(key, remembered);
    try {
      await updateRateLimits(context.db).execute({
        id: connection.id,
        rateLimits: JSON.stringify(snapshot),
        rateLimitsAt: now,
      });
    } catch (error) {
      // Not stored after all: the next answer's snapshot is written even if it is the same.
      storedRateLimits.deleteWhere((_key, value) => value === remembered);
      throw error;
    }
    settings.onRateLimitsStored?.(connection.userId, snapshot);
  };

  const codexSettings: ChatgptBinding['codexSettings'] = ({
    userId,
    connection,
    modelId,
    conversationId,
    log: requestLog,
  }) => ({
    modelId,
    baseUrl: settings.backendUrl,
    ...(settings.fetch == null ? {} : { fetch: settings.fetch }),
    conversationId,
    originator: settings.originator,
    userAgent: settings.userAgent,
    firstByteTimeoutMs: settings.firstByteTimeoutMs,
    onRetry: (retry) =>
      (requestLog ?? log).warn(
        { upstreamRetry: { provider: 'chatgpt', model: modelId, ...retry } },
        'retrying the upstream before the first byte',
      ),
    getCredentials: ({ rejectedAccessToken }) =>
      tokens.getAccessToken(userId, rejectedAccessToken == null ? {} : { rejectedAccessToken }),
    // Told while the answer streams, by a callback that cannot wait: the write goes on beside it, and a failed one
    // costs only the snapshot (the next answer brings a new one).
    onRateLimits: (snapshot) => {
      storeRateLimits(connection, snapshot).catch((error: unknown) => {
        (requestLog ?? log).warn({ err: error }, 'could not store the ChatGPT rate limits');
      });
    },
  });

  return {
    name: 'chatgpt',
    label: 'ChatGPT subscription',
    backendUrl: settings.backendUrl,
    // Who it is and whether it works, from the request cache; the tokens are read when a call needs them.
    load: ({ userId }) => findConnectionRef(context, userId, 'chatgpt'),
    availability: (connection) => ({ state: connection.state }),
    catalogue(userId, connection) {
      // Reconnect required: still list what it had, so explicit requests get the clear reconnect error.
      if (connection.state !== 'connected') {
        return {
          key: `${userId}:chatgpt-reconnect:${connection.id}`,
          load: async () => FALLBACK_CATALOGUE,
          fallback: () => FALLBACK_CATALOGUE,
        };
      }
      return {
        key: `${userId}:chatgpt:${connection.id}:${connection.accountId}`,
        load: async () => {
          const token = await tokens.getAccessToken(userId);
          const models = await listCodexModels({
            baseUrl: settings.backendUrl,
            fetch: settings.fetch,
            accessToken: token.accessToken,
            accountId: token.accountId,
            clientVersion: settings.clientVersion,
            originator: settings.originator,
            userAgent: settings.userAgent,
          });
          const visible = models.filter((model) => model.visibility !== 'hide');
          // No model at all is an answer we cannot route by: the fallback list, and read again soon.
          if (visible.length === 0) throw new Error('the Codex model list has no visible model');
          return toCatalogueEntries(
            'chatgpt',
            visible.map((model) => ({ ...model, id: model.slug, reasoningEfforts: model.supportedReasoningLevels })),
          );
        },
        fallback: (error) => {
          log.warn({ err: error }, 'could not list ChatGPT models; using the built-in fallback list');
          return FALLBACK_CATALOGUE;
        },
      };
    },
    createChatModel: ({ userId, upstream, modelId, conversationId, log: requestLog }) =>
      createCodexChatModel(
        codexSettings({ userId, connection: upstream, modelId, conversationId: conversationId(), log: requestLog }),
      ),
    reasoningOptions: (effort) => ({ [CODEX_PROVIDER_KEY]: { reasoningEffort: effort } }),
    codexSettings,
    readUsage: async (userId, abortSignal) => {
      const token = await tokens.getAccessToken(userId);
      return readCodexUsage({
        baseUrl: settings.backendUrl,
        fetch: settings.fetch,
        accessToken: token.accessToken,
        accountId: token.accountId,
        originator: settings.originator,
        userAgent: settings.userAgent,
        abortSignal,
        now: context.now(),
      });
    },
    forgetUser: (userId) => storedRateLimits.deleteWhere((_key, value) => value.userId === userId),
  };
}
