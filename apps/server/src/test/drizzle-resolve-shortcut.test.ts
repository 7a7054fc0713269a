import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDrizzleRelativeImport } from '../../bin/register-drizzle-resolve-shortcut.mjs';

/** drizzle-orm's folder as the server resolves it. */
const DRIZZLE_ROOT = dirname(createRequire(import.meta.url).resolve('drizzle-orm'));

function listPackageJsons(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listPackageJsons(path);
    return entry.name === 'package.json' ? [path] : [];
  });
}

describe('the resolve shortcut for drizzle-orm (bin/register-drizzle-resolve-shortcut.mjs)', () => {
  it("issue 22: holds only while drizzle-orm's files are all ES modules under its one package.json", () => {
    const manifest = JSON.parse(readFileSync(join(DRIZZLE_ROOT, 'package.json'), 'utf8')) as { type?: string };
    expect(manifest.type).toBe('module');
    expect(listPackageJsons(DRIZZLE_ROOT)).toEqual([join(DRIZZLE_ROOT, 'package.json')]);
    // What the shortcut saves: an `exports` field Node would parse again at every import (130 KB in 0.45).
    expect(readFileSync(join(DRIZZLE_ROOT, 'package.json'), 'utf8').length).toBeGreaterThan(50_000);
  });

  it('issue 22: takes only relative .js imports made from inside drizzle-orm', () => {
    const parent = `file://${DRIZZLE_ROOT}/sqlite-core/table.js`;
    expect(isDrizzleRelativeImport('./columns/index.js', parent)).toBe(true);
    expect(isDrizzleRelativeImport('../entity.js', parent)).toBe(true);
    expect(isDrizzleRelativeImport('drizzle-orm', parent)).toBe(false);
    expect(isDrizzleRelativeImport('./columns/index.cjs', parent)).toBe(false);
    expect(isDrizzleRelativeImport('./x.js', 'file:///srv/node_modules/drizzle-orm-extra/index.js')).toBe(false);
    expect(isDrizzleRelativeImport('./x.js', 'file:///srv/app/src/db/schema.ts')).toBe(false);
    expect(isDrizzleRelativeImport('./x.js', undefined)).toBe(false);
    expect(existsSync(new URL('./columns/index.js', parent))).toBe(true);
  });
});
