#!/usr/bin/env node
// Starts the gateway server. Node runs the TypeScript sources itself (type stripping), after the version check,
// which must come first. It runs in the caller's directory, so ./data means the same folder for the server and
// the CLI.
import module from 'node:module';
import { registerDrizzleResolveShortcut } from './register-drizzle-resolve-shortcut.mjs';
import { requireSupportedNode } from './require-supported-node.mjs';

requireSupportedNode();
// Node keeps what it compiled (the stripped TypeScript included) in its cache directory, so a restart neither
// strips nor parses the same sources again: with a warm cache the TypeScript stripper (a WebAssembly module that
// holds on to its memory) is never loaded, which saves a quarter of a second and 20 to 40 MiB (issue 22).
// NODE_DISABLE_COMPILE_CACHE=1 turns it off, like for the CLI (gateway.mjs).
module.enableCompileCache?.();
registerDrizzleResolveShortcut();
await import('../src/main.ts');
