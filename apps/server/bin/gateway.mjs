#!/usr/bin/env node
// Entry point of the `gateway` CLI. Node runs the TypeScript sources itself (type stripping), after the version
// check, which must come first.
import module from 'node:module';
import { registerDrizzleResolveShortcut } from './register-drizzle-resolve-shortcut.mjs';
import { requireSupportedNode } from './require-supported-node.mjs';

requireSupportedNode();
// Node keeps what it compiled (the stripped TypeScript included) in its cache directory, so a command does not
// parse the same sources again at every call (issue 17: the CLI answers in well under a second).
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.();
// The commands that open the database load drizzle-orm, whose imports Node resolves slowly (see the file).
registerDrizzleResolveShortcut();
await import('../src/cli.ts');
