import { fileURLToPath } from 'node:url';

/** The monorepo root: the server is started from here, as `pnpm start` would. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Logs, screenshots and reports; ignored by git. */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../.artifacts/', import.meta.url));

/** The built web UI, which the server serves. */
export const WEB_DIST_INDEX = fileURLToPath(new URL('../../apps/web/dist/index.html', import.meta.url));
