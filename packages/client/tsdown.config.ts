import { defineConfig } from 'tsdown';

// The published build (docs/client-sdk.md §1): ESM and one bundled `.d.ts` per entry. `@pag/contracts` (workspace-only)
// is bundled, code and types, so the package depends on public packages alone; `onlyImport` fails the build if
// anything else (a Node built-in, another workspace package) would be imported at run time.
export default defineConfig({
  entry: { index: 'src/index.ts', react: 'src/react/index.ts' },
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  outDir: 'dist',
  clean: true,
  tsconfig: 'tsconfig.build.json',
  dts: { tsc: { eager: true } },
  deps: {
    alwaysBundle: ['@pag/contracts'],
    onlyBundle: [],
    onlyImport: ['zod', 'eventsource-parser', 'oauth4webapi', 'react'],
  },
});
