import type { ModelAlias } from '@pag/contracts';

/**
 * The gateway model a requested name stands for (docs/anthropic-protocol.md §9): an exact pattern first; a gateway
 * model id (`provider/model`) as it is; then the prefix globs, the longest prefix first (`claude-sonnet-4-*` before
 * `claude-*`); `*` last. A name nothing matches is returned unchanged, for the router to accept or refuse. Pure.
 */
export function resolveModelAlias(name: string, aliases: readonly ModelAlias[]): string {
  const exact = aliases.find((alias) => alias.pattern === name);
  if (exact != null) return exact.target;
  if (name.includes('/')) return name;
  let best: ModelAlias | undefined;
  for (const alias of aliases) {
    if (!alias.pattern.endsWith('*')) continue;
    const prefix = alias.pattern.slice(0, -1);
    if (!name.startsWith(prefix)) continue;
    if (best == null || prefix.length > best.pattern.length - 1) best = alias;
  }
  return best?.target ?? name;
}
