// Every entry point calls this before it imports anything else: the sources are TypeScript that Node runs with
// its own type stripping (from 22.19, the floor, without a flag or a warning), so on an older Node the first import
// of a .ts file would fail with an error that names neither the cause nor the fix. Plain JavaScript that any
// Node parses, on purpose. The floor matches `engines` in the root package.json; `.nvmrc` names the Node the
// project is developed, tested and shipped on.
const MINIMUM = { major: 22, minor: 19 };
const RECOMMENDED = 24;

/** Exits with a one-line reason when this Node cannot run the gateway; returns otherwise. */
export function requireSupportedNode() {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < MINIMUM.major || (major === MINIMUM.major && minor < MINIMUM.minor)) {
    process.stderr.write(
      `gateway: Node.js ${process.versions.node} is too old: install Node.js ${RECOMMENDED} LTS ` +
        `(${MINIMUM.major}.${MINIMUM.minor} is the minimum; see "Run it" in the README)\n`,
    );
    process.exit(1);
  }
  // Set to false by --no-experimental-strip-types (in NODE_OPTIONS, for instance).
  if (process.features.typescript === false) {
    process.stderr.write(
      'gateway: this Node.js runs with type stripping turned off (--no-experimental-strip-types), ' +
        'which the gateway needs to run its TypeScript sources\n',
    );
    process.exit(1);
  }
}
