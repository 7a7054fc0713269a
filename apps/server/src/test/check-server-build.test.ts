import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUILD_MANIFEST_FILE,
  checkServerBuild,
  digestOf,
  handOverCheck,
  takeHandedOverCheck,
} from '../../bin/check-server-build.mjs';

describe('issue 22: which server bin/gateway-server.mjs runs (bin/check-server-build.mjs)', () => {
  let root: string;
  let buildDir: string;
  const write = (path: string, text: string) => writeFileSync(join(root, path), text);
  const writeManifest = (manifest: unknown) =>
    writeFileSync(
      join(buildDir, BUILD_MANIFEST_FILE),
      typeof manifest === 'string' ? manifest : JSON.stringify(manifest),
    );
  const check = (nodeFlags?: string) => checkServerBuild({ buildDir, root, nodeFlags });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'pag-build-check-'));
    buildDir = join(root, 'dist');
    mkdirSync(buildDir);
    mkdirSync(join(root, 'src'));
    write('src/main.ts', 'export {};\n');
    write('lock.yaml', 'lockfileVersion: 9\n');
    writeManifest({
      entry: 'main-ABC.js',
      files: ['main-ABC.js'],
      inputs: {
        'src/main.ts': digestOf(Buffer.from('export {};\n')),
        'lock.yaml': digestOf(Buffer.from('lockfileVersion: 9\n')),
      },
    });
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('runs the build while every input has the content it was made from, whatever the files’ times', () => {
    utimesSync(join(root, 'src/main.ts'), new Date(), new Date(Date.now() + 60_000));
    expect(check()).toEqual({ entry: join(buildDir, 'main-ABC.js') });
    // With the operator's own compiler flags, which it then leaves alone, the answer is the same.
    expect(check('--no-maglev')).toEqual({ entry: join(buildDir, 'main-ABC.js') });
  });

  it('runs the sources, saying why, when an input changed, even to the same size, or is gone', () => {
    write('src/main.ts', 'export {}:\n');
    expect(check()).toEqual({ stale: 'src/main.ts changed' });
    write('src/main.ts', 'export {};\n');
    rmSync(join(root, 'lock.yaml'));
    expect(check()).toEqual({ stale: 'lock.yaml is gone' });
  });

  it('notices a change at the very end of a large input', () => {
    const large = 'x'.repeat(600_000);
    write('src/main.ts', large);
    writeManifest({ entry: 'main-ABC.js', files: [], inputs: { 'src/main.ts': digestOf(Buffer.from(large)) } });
    expect(check()).toEqual({ entry: join(buildDir, 'main-ABC.js') });
    write('src/main.ts', `${large.slice(1)}y`);
    expect(check()).toEqual({ stale: 'src/main.ts changed' });
  });

  it('tells a missing build from an unreadable or empty manifest', () => {
    writeManifest('{"entry":');
    expect(check()).toMatchObject({ stale: expect.stringMatching(/^its build-manifest\.json cannot be read/) });
    writeManifest({ entry: 'main-ABC.js', files: [], inputs: {} });
    expect(check()).toEqual({ stale: 'its build-manifest.json lists no entry or no inputs' });
    rmSync(join(buildDir, BUILD_MANIFEST_FILE));
    expect(check()).toEqual({ missing: true });
  });
  it('hands a check made by `pnpm start` to the server once, so it is not made twice in one start', () => {
    const checked = check();
    handOverCheck(checked);
    expect(takeHandedOverCheck()).toBe(checked);
    expect(takeHandedOverCheck()).toBeUndefined();
  });
});
