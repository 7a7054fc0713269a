import { fileURLToPath } from 'node:url';

/**
 * apps/server/, with a trailing slash: the root that files the server reads at run time (its migrations, the built
 * settings UI beside it) are found from. Computed from this module's own place, which is one folder below it both
 * in the sources (src/server-directory.ts) and in the server build, whose files all sit flat in dist/ (docs/
 * architecture.md, "How the server starts"). This is why it lives directly in src/ and nothing here may compute a
 * path from a deeper file's `import.meta.url`: in the build that file is gone, merged into one of dist/'s.
 */
export const SERVER_DIRECTORY = fileURLToPath(new URL('..', import.meta.url));
