import { describe, expect, it } from 'vitest';
import { type McpSession, McpSessionRegistry } from './mcp-session-registry.ts';

function fakeSession(userId: string, closed: string[], id: string): Omit<McpSession, 'lastUsedAt'> {
  return {
    userId,
    transport: {} as McpSession['transport'],
    server: { close: async () => void closed.push(id) } as McpSession['server'],
  };
}

describe('McpSessionRegistry', () => {
  it('finds a session only for the user who opened it', () => {
    const registry = new McpSessionRegistry({ idleMs: 60_000, maxPerUser: 5 });
    registry.add('s1', fakeSession('alice', [], 's1'));
    expect(registry.find('s1', 'alice')).not.toBeNull();
    expect(registry.find('s1', 'bob')).toBeNull();
    expect(registry.find('unknown', 'alice')).toBeNull();
  });

  it('closes idle sessions and the oldest beyond the per-user cap', async () => {
    let now = 0;
    const closed: string[] = [];
    const registry = new McpSessionRegistry({ idleMs: 1_000, maxPerUser: 2, now: () => now });
    registry.add('a1', fakeSession('alice', closed, 'a1'));
    now = 10;
    registry.add('a2', fakeSession('alice', closed, 'a2'));
    now = 20;
    registry.add('a3', fakeSession('alice', closed, 'a3'));
    await Promise.resolve();
    expect(closed).toEqual(['a1']);
    registry.add('b1', fakeSession('bob', closed, 'b1'));
    now = 5_000;
    registry.find('b1', 'bob');
    registry.sweep();
    await Promise.resolve();
    expect(closed.sort()).toEqual(['a1', 'a2', 'a3']);
    expect(registry.size).toBe(1);
  });
});
