import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Issue 15: the server's areas import each other in one direction only. An area is a folder under src/domain (with
// its subfolders), src/plugins, a folder under src/routes, src/db, src/cli; files at the top of src/domain (the
// error type, the identity, the upstream-error table) are shared by all and import no area. Tests and test helpers
// are left out: they may reach anywhere. The graph is read from the import statements of the sources themselves.
const SOURCE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function listSources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' || entry.name === 'migrations' ? [] : listSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function areaOf(file: string): string {
  const parts = relative(SOURCE_ROOT, file).split(sep);
  if (parts[0] === 'domain') return parts.length > 2 ? `domain/${parts[1]}` : 'domain (shared files)';
  if (parts[0] === 'routes') return parts.length > 2 ? `routes/${parts[1]}` : 'routes';
  // A file at the top of src is an area of its own (the composition root, the config read once, the entry points).
  return parts.length > 1 ? (parts[0] ?? '') : (parts[0] ?? '').replace(/\.ts$/, '');
}

function importEdges(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of listSources(SOURCE_ROOT)) {
    const from = areaOf(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const to = areaOf(resolve(dirname(file), match[1] ?? ''));
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)?.add(to);
    }
  }
  return edges;
}

/** Tarjan's strongly connected components: every component of more than one area is an import cycle. */
function findCycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member != null) {
          onStack.delete(member);
          component.push(member);
        }
      } while (member != null && member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

describe('issue 15: layers of the server', () => {
  it('has no import cycle between areas', () => {
    const edges = importEdges();
    expect(edges.size).toBeGreaterThan(10);
    expect(findCycles(edges)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const edges = new Map([
      ['domain/a', new Set(['domain/b'])],
      ['domain/b', new Set(['domain/c'])],
      ['domain/c', new Set(['domain/a'])],
      ['routes/x', new Set(['domain/a'])],
    ]);
    expect(findCycles(edges)).toEqual([['domain/a', 'domain/b', 'domain/c']]);
  });

  it('keeps the gateway free of any provider name and within its size', () => {
    const gateway = readFileSync(join(SOURCE_ROOT, 'domain', 'gateway', 'ai-gateway.ts'), 'utf8');
    expect(gateway).not.toMatch(/'(chatgpt|openai|gemini|codex|google)'/);
    expect(gateway.split('\n').length).toBeLessThanOrEqual(250);
  });
});
