// `pnpm start` builds the settings UI only when apps/web/dist is missing or older than what the build reads: a
// full Vite build costs seconds on a small machine, and most starts follow no change to the UI at all. The check
// only compares modification times (a few hundred stat calls), so an edit, a pull or a dependency change
// (pnpm-lock.yaml) is enough to trigger a rebuild, and `pnpm build` still builds unconditionally.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB_DIR = join(ROOT, 'apps/web');
const BUILT_PAGE = join(WEB_DIR, 'dist/index.html');
/** Everything the web build reads from the repository: its sources and config, the shared contracts, the lockfile. */
const INPUTS = [
  'apps/web/src',
  'apps/web/public',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/tsconfig.json',
  'apps/web/package.json',
  'packages/contracts/src',
  'packages/contracts/package.json',
  'pnpm-lock.yaml',
];

/** The newest modification time under `path` (directories count too: a deleted file changes its folder's). */
function newestChange(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats == null) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** Whether the UI has to be built; the reason, for the one line printed before building. */
function findStaleReason() {
  const built = statSync(BUILT_PAGE, { throwIfNoEntry: false });
  if (built == null) return 'apps/web/dist is missing';
  const changed = INPUTS.find((input) => newestChange(join(ROOT, input)) > built.mtimeMs);
  return changed == null ? null : `${changed} changed since the last build`;
}

/** Builds the settings UI with Vite when it is stale; exits with Vite's status when that build fails. */
export function buildWebIfStale() {
  const reason = findStaleReason();
  if (reason == null) return;
  console.log(`Building the settings UI (${reason})`);
  // Vite's own CLI, resolved from the web package, so neither pnpm nor a shell has to be on PATH.
  const require = createRequire(join(WEB_DIR, 'package.json'));
  const manifestPath = require.resolve('vite/package.json');
  const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const vite = join(dirname(manifestPath), typeof bin === 'string' ? bin : bin.vite);
  const result = spawnSync(process.execPath, [vite, 'build'], { cwd: WEB_DIR, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
