import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export type McpSession = {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** The gateway user whose token opened the session; every later request must carry a token of the same user. */
  userId: string;
  lastUsedAt: number;
};

/**
 * Live MCP sessions (Streamable HTTP `Mcp-Session-Id`, a random UUID from the SDK). A session is bound to the user
 * that opened it: another user's token presenting its id is answered as if the session did not exist. Sessions
 * idle longer than `idleMs` are closed, and a user holds at most `maxPerUser` (the oldest goes first), so a client
 * that never sends DELETE cannot grow memory without bound.
 */
export class McpSessionRegistry {
  readonly #sessions = new Map<string, McpSession>();
  readonly #idleMs: number;
  readonly #maxPerUser: number;
  readonly #now: () => number;

  constructor(options: { idleMs: number; maxPerUser: number; now?: () => number }) {
    this.#idleMs = options.idleMs;
    this.#maxPerUser = options.maxPerUser;
    this.#now = options.now ?? Date.now;
  }

  /** The session with this id if it belongs to `userId`; refreshes its idle clock. */
  find(sessionId: string, userId: string): McpSession | null {
    const session = this.#sessions.get(sessionId);
    if (session == null || session.userId !== userId) return null;
    session.lastUsedAt = this.#now();
    return session;
  }

  add(sessionId: string, session: Omit<McpSession, 'lastUsedAt'>): void {
    this.sweep();
    const own = [...this.#sessions.entries()]
      .filter(([, existing]) => existing.userId === session.userId)
      .sort(([, a], [, b]) => a.lastUsedAt - b.lastUsedAt);
    while (own.length >= this.#maxPerUser) {
      const oldest = own.shift();
      if (oldest != null) void this.close(oldest[0]);
    }
    this.#sessions.set(sessionId, { ...session, lastUsedAt: this.#now() });
  }

  /** Forgets a session the transport already closed (DELETE from the client). */
  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  async close(sessionId: string): Promise<void> {
    const session = this.#sessions.get(sessionId);
    this.#sessions.delete(sessionId);
    await session?.server.close().catch(() => undefined);
  }

  /** Closes every session of one user (their access was revoked or the user deleted). */
  async closeUser(userId: string): Promise<void> {
    const ids = [...this.#sessions.entries()].filter(([, session]) => session.userId === userId).map(([id]) => id);
    await Promise.all(ids.map((id) => this.close(id)));
  }

  sweep(): void {
    const cutoff = this.#now() - this.#idleMs;
    for (const [id, session] of this.#sessions) if (session.lastUsedAt < cutoff) void this.close(id);
  }

  get size(): number {
    return this.#sessions.size;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#sessions.keys()].map((id) => this.close(id)));
  }
}
