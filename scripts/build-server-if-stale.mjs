// `pnpm start` builds the server (apps/server/dist: the sources bundled, docs/architecture.md "How the server
// starts") when there is none or it was made from other sources, as it builds the settings UI: a start after a pull
// or an edit then runs the build, not the sources. bin/gateway-server.mjs runs the sources whenever the build is not
// current, so a start never depends on this having worked: a production install (`pnpm install --prod`) has no
// esbuild to build with, and then the sources run, as the line printed says.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { checkServerBuild, handOverCheck, REPO_ROOT } from '../apps/server/bin/check-server-build.mjs';

const SERVER_DIR = join(REPO_ROOT, 'apps/server');

/** Builds the server with esbuild when its build is not current; exits with the build's status when it fails. */
export function buildServerIfStale() {
  const build = checkServerBuild();
  if ('entry' in build) {
    // The server starts next in this process: it takes this check instead of making it again (10–20 ms).
    handOverCheck(build);
    return;
  }
  const reason = 'stale' in build ? `${build.stale} since the last build` : 'apps/server/dist is missing';
  try {
    createRequire(join(SERVER_DIR, 'package.json')).resolve('esbuild');
  } catch {
    console.log(`Not building the server (${reason}): esbuild is not installed, so the sources run`);
    return;
  }
  console.log(`Building the server (${reason})`);
  const result = spawnSync(process.execPath, ['src/build/build-server.ts'], { cwd: SERVER_DIR, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
