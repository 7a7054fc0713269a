// Resolves imports of drizzle-orm with less of Node's package.json handling (issue 22: start-up time and idle
// memory).
//
// Why: for every `.js` file an ES module imports, Node's resolver looks up the package's package.json to learn the
// file's format, and (Node 22 and 24, internal/modules/package_json_reader.js `getPackageScopeConfig` and `read`)
// copies the parsed fields with a spread that also runs the lazy getter of `exports`, so the whole `exports` field
// is parsed again at every import. drizzle-orm's is 130 KB, its modules import each other about a thousand times
// and the gateway's sources import it from some eighty files: the server parsed 150 MB of JSON at start, half a
// second, and its heap grew to 200 MiB and stayed that size (RSS 360 MiB). No other dependency comes close (zod,
// the next, parses 0.2 MB).
//
// What it does, for drizzle-orm only; every other import goes through Node's resolver untouched:
// - an import of `./x.js` or `../x.js` from a file of drizzle-orm is the file next to it, an ES module
//   (drizzle-orm's package.json says `"type": "module"` and it has no nested package.json; the test
//   src/test/drizzle-resolve-shortcut.test.ts checks both, so an upgrade that changes either fails it);
// - `drizzle-orm` or `drizzle-orm/…` imported again from the same folder gets the answer Node gave the first time
//   (a bare import resolves the same way from anywhere in one folder, for the same conditions).
// Plain JavaScript, like the other bin scripts: it runs before any TypeScript is loaded. Imported by the entry
// points before the Node version check runs, so nothing here may fail to load on an older Node (no named import of
// `registerHooks`, which Node added in 22.15).
import module from 'node:module';

const DRIZZLE_FILE = /\/node_modules\/drizzle-orm\/[^?#]*\.js$/;

/** Whether the first shortcut applies: a relative `.js` import from inside drizzle-orm. */
export function isDrizzleRelativeImport(specifier, parentURL) {
  return (
    parentURL?.startsWith('file:') === true &&
    (specifier.startsWith('./') || specifier.startsWith('../')) &&
    specifier.endsWith('.js') &&
    DRIZZLE_FILE.test(parentURL)
  );
}

/** Whether a bare import names drizzle-orm or one of its entry points. */
function isDrizzleBareImport(specifier) {
  return specifier === 'drizzle-orm' || specifier.startsWith('drizzle-orm/');
}

/** Installs the shortcut for every import that follows in this process (call it before importing the sources). */
export function registerDrizzleResolveShortcut() {
  const bareResolutions = new Map();
  module.registerHooks?.({
    resolve(specifier, context, nextResolve) {
      if (isDrizzleRelativeImport(specifier, context.parentURL)) {
        return { url: new URL(specifier, context.parentURL).href, format: 'module', shortCircuit: true };
      }
      if (isDrizzleBareImport(specifier) && context.parentURL != null) {
        const key = `${specifier}\0${new URL('.', context.parentURL).href}\0${context.conditions?.join(',')}`;
        let resolved = bareResolutions.get(key);
        if (resolved === undefined) {
          resolved = { ...nextResolve(specifier, context), shortCircuit: true };
          bareResolutions.set(key, resolved);
        }
        return resolved;
      }
      return nextResolve(specifier, context);
    },
  });
}
