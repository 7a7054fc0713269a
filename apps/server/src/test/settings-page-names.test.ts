import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Issue 17: the embeddings error sent users to "Settings → API keys for providers", a page that does not exist.
// Every "Settings → …" the server says must name a section of the settings UI, and a group of it where it names one.
const SERVER_SOURCES = fileURLToPath(new URL('..', import.meta.url));
const WEB_SOURCES = fileURLToPath(new URL('../../../web/src', import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.test.ts'))
    .map((file) => join(directory, file));
}

/** The sections of the settings' navigation (settings-layout.tsx: `label: '…'`). */
function navigationLabels(): Set<string> {
  const layout = readFileSync(join(WEB_SOURCES, 'routes/settings-layout.tsx'), 'utf8');
  return new Set([...layout.matchAll(/label: '([^']+)'/g)].map(([, label = '']) => label));
}

/** The group headings of a settings page (`className="group-title">…<`). */
function groupTitles(page: string): Set<string> {
  const source = readFileSync(join(WEB_SOURCES, 'routes', page), 'utf8');
  return new Set([...source.matchAll(/className="group-title">\s*([^<]+?)\s*</g)].map(([, title = '']) => title));
}

/** `Settings → A → B` in the server's own words; ChatGPT's own settings ("In ChatGPT open Settings → …") aside. */
function settingsReferences(): { file: string; path: string[] }[] {
  const references: { file: string; path: string[] }[] = [];
  for (const file of sourceFiles(SERVER_SOURCES)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/Settings((?: → [A-Z][\w&]*(?: [\w&]+)*)+)/g)) {
      const before = text.slice(Math.max(0, (match.index ?? 0) - 25), match.index);
      if (/ChatGPT/.test(before)) continue;
      const path = (match[1] ?? '').split(' → ').filter(Boolean);
      references.push({ file: file.slice(SERVER_SOURCES.length), path });
    }
  }
  return references;
}

describe('issue 17: the settings pages the server names exist', () => {
  it('issue 17: every "Settings → …" in a server message names a section of the settings UI', () => {
    const sections = navigationLabels();
    const groups: Record<string, Set<string>> = { Connections: groupTitles('connections-page.tsx') };
    const references = settingsReferences();
    expect(references.length).toBeGreaterThan(5);
    expect(groups.Connections).toEqual(new Set(['Subscription', 'Provider keys', 'Advanced']));
    const wrong = references.filter(({ path: [section = '', group] }) => {
      if (!sections.has(section)) return true;
      const known = groups[section];
      return known != null && group != null && !known.has(group);
    });
    expect(wrong).toEqual([]);
  });
});
