// `pnpm build` (this package's `build` script): bundles the server's sources into apps/server/dist, which
// bin/gateway-server.mjs runs instead of the sources while it is current (bin/check-server-build.mjs says when).
//
// Why a build at all, when Node runs the TypeScript itself (issue 22, measured on the 2-core CI machine): loaded from
// the sources the server is some 1,900 modules, each resolved, read, type-stripped and compiled on its own; Node
// then keeps every module's source text and its compile cache for good. Bundled into a few files (lazy parts stay
// separate files, loaded on first use as before) it is ready in 0.38–0.45 s instead of 0.66–0.90 s and idles at
// 88–94 MiB of RSS instead of 107–108; a request costs the same (benchmark, alternating runs). The code is not
// minified, so a stack trace names the real functions and its lines read like the sources (each module's part
// starts with a comment naming its file); the .map files beside it map them back (node --enable-source-maps).
//
// esbuild rather than Vite/Rolldown (which build the web UI): its one job here is a Node bundle with code
// splitting, which it does in under a second with one dependency.
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { BUILD_MANIFEST_FILE, digestOf, REPO_ROOT, SERVER_BUILD_DIR } from '../../bin/check-server-build.mjs';
import { SERVER_DIRECTORY } from '../server-directory.ts';

/**
 * Loaded from node_modules at run time, not bundled: better-sqlite3 is a native addon; pg-native is pg's optional
 * native client, never installed; undici is required through `createRequire` (providers/src/common/load-undici.ts),
 * which a bundler cannot follow. From dist/ they resolve through apps/server's own dependencies, so each must be
 * one of them, at the version the sources that load it get (checked by {@link checkExternalsResolveAlike}).
 */
const EXTERNAL_PACKAGES = ['better-sqlite3', 'pg-native', 'undici'] as const;
/** Externals a running gateway never loads (see {@link EXTERNAL_PACKAGES}). */
const OPTIONAL_EXTERNALS: ReadonlySet<string> = new Set(['pg-native']);
/**
 * Bundled CommonJS code (Fastify, pino, …) calls `require` for Node's built-ins and the externals, which an ES
 * module lacks: each output file gets one, made for its own place.
 */
const REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module';\n" +
  'const require = __createRequire(import.meta.url);';
/** The Node the build's syntax must run on: the floor of `engines` in the root package.json. */
const NODE_TARGET = 'node22.19';
const THIS_FILE = fileURLToPath(import.meta.url);
/** esbuild's metafile of the build, beside it. */
export const BUILD_METAFILE = 'build-metafile.json';
/** The server's entry, by path from the repository's root (as esbuild's metafile names it). */
const MAIN_SOURCE = relative(REPO_ROOT, join(SERVER_DIRECTORY, 'src/main.ts'));

export type ServerBuildManifest = {
  /** The file to import, in the build's folder. */
  entry: string;
  /** Every file the build wrote, so the next build knows which of the folder's files belong to it. */
  files: string[];
  /** What the build was made from, by path from the repository's root: the SHA-256 of each (check-server-build.mjs). */
  inputs: Record<string, string>;
};

export type ServerBuild = { manifest: ServerBuildManifest; metafile: Metafile };

/**
 * Builds the server into `outDir` (apps/server/dist unless a test says otherwise; it must be a folder directly in
 * apps/server, see src/server-directory.ts). Every file name carries its content's hash and the files of the
 * previous build are kept: a server still running that build loads its lazy parts from them (an MCP session, the
 * OAuth server) after a rebuild under it. Anything older is removed. The manifest is written last, in one rename,
 * so a start never sees a half-written build.
 */
export async function buildServer(outDir: string = SERVER_BUILD_DIR): Promise<ServerBuild> {
  if (dirname(resolve(outDir)) !== resolve(SERVER_DIRECTORY)) {
    throw new Error(`the server build must be a folder directly in ${SERVER_DIRECTORY}, not ${outDir}`);
  }
  checkExternalsResolveAlike();
  const previous = readManifest(outDir);
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { main: join(REPO_ROOT, MAIN_SOURCE) },
    outdir: outDir,
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: NODE_TARGET,
    external: [...EXTERNAL_PACKAGES],
    banner: { js: REQUIRE_BANNER },
    // Bundling renames a top-level name that two modules share (a dependency's `protocolError` becomes
    // `protocolError2` in a stack trace; none of our classes is among them). esbuild's keepNames would restore
    // every `.name`, for 2.5 MiB of an idle server's RSS: nothing the server does reads a function's name.
    keepNames: false,
    sourcemap: 'linked',
    // The maps point at the sources, which ship beside the build; copying them in would double its size.
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  });
  const files = Object.keys(result.metafile.outputs).map((path) => relative(outDir, join(REPO_ROOT, path)));
  // Each lazily imported module is an entry point of its own to esbuild: the one wanted is src/main.ts's.
  const entry = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint === MAIN_SOURCE)?.[0];
  if (entry == null) throw new Error(`esbuild reported no output for ${MAIN_SOURCE}`);
  const manifest: ServerBuildManifest = {
    entry: relative(outDir, join(REPO_ROOT, entry)),
    files,
    inputs: digestInputs(result.metafile),
  };
  // esbuild's account of which sources went into which file, for the tests (what loads at start) and anyone who
  // wants to see what the build holds (esbuild's bundle analyzer reads it).
  writeFileSync(join(outDir, BUILD_METAFILE), JSON.stringify(result.metafile));
  const partial = join(outDir, `${BUILD_MANIFEST_FILE}.${randomUUID()}.partial`);
  writeFileSync(partial, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(partial, join(outDir, BUILD_MANIFEST_FILE));
  const kept = new Set([BUILD_MANIFEST_FILE, BUILD_METAFILE, ...files, ...(previous?.files ?? [])]);
  for (const name of readdirSync(outDir)) if (!kept.has(name)) rmSync(join(outDir, name), { force: true });
  return { manifest, metafile: result.metafile };
}

/**
 * The inputs a build depends on, each with its digest: our own source files esbuild read (the workspace's, found by
 * not being in node_modules), the package.json of each workspace package they belong to (its `exports` decide
 * what an import resolves to), the lockfile (which pins every dependency the build copied in) and this script.
 */
function digestInputs(metafile: Metafile): Record<string, string> {
  const paths = new Set<string>(['pnpm-lock.yaml', relative(REPO_ROOT, THIS_FILE)]);
  for (const path of Object.keys(metafile.inputs)) {
    if (path.includes('node_modules/') || /^[\w()-]+:/.test(path)) continue;
    paths.add(path);
    paths.add(packageJsonOf(path));
  }
  const inputs: Record<string, string> = {};
  for (const path of [...paths].sort()) inputs[path] = digestOf(readFileSync(join(REPO_ROOT, path)));
  return inputs;
}

/** The package.json of the workspace package a source file belongs to: the nearest one above it. */
function packageJsonOf(path: string): string {
  for (let dir = dirname(path); dir !== '.' && dir !== ''; dir = dirname(dir)) {
    if (existsSync(join(REPO_ROOT, dir, 'package.json'))) return join(dir, 'package.json');
  }
  throw new Error(`${path} belongs to no workspace package`);
}

/**
 * Fails the build when an external would load a different copy from dist/ than from the sources that import it:
 * every workspace package that depends on one must get the very folder apps/server gets.
 */
function checkExternalsResolveAlike(): void {
  const fromServer = createRequire(join(SERVER_DIRECTORY, 'package.json'));
  const packageDirs = ['apps', 'packages'].flatMap((group) =>
    readdirSync(join(REPO_ROOT, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(REPO_ROOT, group, entry.name)),
  );
  for (const name of EXTERNAL_PACKAGES) {
    if (OPTIONAL_EXTERNALS.has(name)) continue;
    const served = realpathSync(fromServer.resolve(`${name}/package.json`));
    for (const dir of packageDirs) {
      const manifest = readPackageJson(join(dir, 'package.json'));
      if (manifest?.dependencies?.[name] == null) continue;
      const own = realpathSync(createRequire(join(dir, 'package.json')).resolve(`${name}/package.json`));
      if (own !== served) {
        throw new Error(
          `${relative(REPO_ROOT, dir)} loads ${name} from ${own}, the server build would load ${served}: ` +
            `give apps/server/package.json the same version of ${name}`,
        );
      }
    }
  }
}

function readPackageJson(path: string): { dependencies?: Record<string, string> } | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function readManifest(outDir: string): ServerBuildManifest | null {
  try {
    return JSON.parse(readFileSync(join(outDir, BUILD_MANIFEST_FILE), 'utf8')) as ServerBuildManifest;
  } catch {
    return null;
  }
}

if (process.argv[1] === THIS_FILE) {
  const started = performance.now();
  const { manifest } = await buildServer();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `Built the server into ${relative(process.cwd(), SERVER_BUILD_DIR)} in ${seconds} s: ${manifest.entry}\n`,
  );
}
