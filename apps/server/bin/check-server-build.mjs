// Whether the server build (apps/server/dist, made by `pnpm build`: src/build/build-server.ts) may be run instead
// of the sources. The build is the sources bundled into a few files; running it starts the server in about half the
// time and with 15 MiB less memory than Node loading and stripping 1,900 modules one by one (issue 22;
// docs/architecture.md, "How the server starts"). It may only ever run what the sources say, so it is used only when
// every file it was made from is still exactly what it was: the manifest the build writes lists each input (every
// source file bundled, the lockfile that pins the bundled dependencies, the build script) with its SHA-256, and all
// of them are read and hashed again here, at every start (10–20 ms for 1.4 MB). Content, not modification times:
// a checkout, a copy or an editor can move a time either way, and a stale build running would be a silent
// wrong answer, where a changed file only costs running the sources.
// Plain JavaScript, like the other bin scripts: it runs before any TypeScript is loaded. Imported before the Node
// version check runs, so nothing here may fail to load on an older Node (no named import of `crypto.hash`, which
// Node added in 20.12 and 21.7).
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

/** apps/server/dist/: where `pnpm build` writes the server build. */
export const SERVER_BUILD_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
/** The repository's root, which the manifest's paths are relative to. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The build's list of what it was made from (see the file's head). */
export const BUILD_MANIFEST_FILE = 'build-manifest.json';

/** This process's own Node flags (`process.execArgv` leaves out NODE_OPTIONS'), which the operator may tune. */
// biome-ignore lint/style/noProcessEnv: Node's own flags, not gateway config (which config.ts alone reads).
export const NODE_FLAGS = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;

let handedOver;

/**
 * A check this process already made, handed to bin/gateway-server.mjs so it does not read and hash every input
 * again: `pnpm start` (scripts/start.mjs) checks first, to decide whether to build, then starts the server in the
 * same process. Taken once.
 */
export function handOverCheck(result) {
  handedOver = result;
}

/** The check handed over by {@link handOverCheck}, if any; it is gone once taken. */
export function takeHandedOverCheck() {
  const result = handedOver;
  handedOver = undefined;
  return result;
}

/** How the manifest records one input's content. */
export function digestOf(bytes) {
  return crypto.hash('sha256', bytes, 'base64url');
}

/**
 * The server build in `buildDir` when it was made from the files as they are now (`entry`: its main file); else
 * whether there is none at all (`missing`) or what changed since it was made (`stale`, one reason, for a log line).
 *
 * It runs with V8's optimizing compilers (Maglev, TurboFan) switched off. It calls the same few fs and crypto
 * functions some 500 times each, enough for V8 to optimize them, and the first optimization pages in the
 * compilers' own code: 5 MiB of the node binary that an idle server has no other use for (issue 22 measure: an
 * idle server at 97–100 MiB of RSS after the check, 91–94 without it). Interpreted it takes as long (10–20 ms);
 * the compilers are on again when it returns (their default on every Node the gateway runs on, 22.19 and later,
 * wherever V8 has them), unless `nodeFlags` (the process's own Node flags) set them.
 */
export function checkServerBuild({ buildDir = SERVER_BUILD_DIR, root = REPO_ROOT, nodeFlags = NODE_FLAGS } = {}) {
  if (/maglev|turbofan|jitless|--no-opt/.test(nodeFlags)) return checkInputs(buildDir, root);
  v8.setFlagsFromString('--no-maglev');
  v8.setFlagsFromString('--no-turbofan');
  try {
    return checkInputs(buildDir, root);
  } finally {
    v8.setFlagsFromString('--maglev');
    v8.setFlagsFromString('--turbofan');
  }
}

function checkInputs(buildDir, root) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(buildDir, BUILD_MANIFEST_FILE), 'utf8'));
  } catch (error) {
    if (error?.code === 'ENOENT') return { missing: true };
    return { stale: `its ${BUILD_MANIFEST_FILE} cannot be read (${error?.message})` };
  }
  const inputs = Object.entries(manifest?.inputs ?? {});
  if (typeof manifest?.entry !== 'string' || inputs.length === 0) {
    return { stale: `its ${BUILD_MANIFEST_FILE} lists no entry or no inputs` };
  }
  for (const [path, digest] of inputs) {
    let bytes;
    try {
      bytes = readFileSync(join(root, path));
    } catch {
      return { stale: `${path} is gone` };
    }
    if (digestOf(bytes) !== digest) return { stale: `${path} changed` };
  }
  return { entry: join(buildDir, manifest.entry) };
}
